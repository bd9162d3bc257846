"""Flask-Admin's own words where its Chinese reads wrong for an office, in ours.

Each msgid here is Flask-Admin's, said again so that our catalog holds the office's wording;
when its catalog is built (translations_build.compile_flask_admin_catalogs) ours replace its.
"""


def N_(msgid: str) -> str:
    """A msgid for our catalog (extracted like _), left untranslated here: it is read when
    the catalogs are built, not shown."""
    return msgid


REWORDED = (
    N_("items"),  # "25 项目" read as "25 projects": 25 条/页
    N_("Create"),  # 创建: the office's menus say 新建
    N_("With selected"),  # 选中的 is half a sentence: 对选中记录
    N_("Save and Add Another"),  # 保存并添加另一个: 保存并继续新建
    N_("Add Filter"),  # 添加筛选器 (a "filter device"): 添加筛选条件
    N_("Reset Filters"),  # 重置筛选器: 清除筛选条件
    N_("Invalid Filter Value: %(value)s"),  # 无效的筛选器值: 筛选条件的值无效
    N_("This field requires at least one item."),  # 一个项目 ("a project"): 至少一项
    N_("Filter"),  # 筛选器, on the details pages' modal: 在本页查找 as on the pages
)

# The list's page sizes (SecureModelView.page_size_options). Flask-Admin names each option
# with a msgid made from the number ("25 item" / "25 items"), which no catalog holds: each
# is built from this one message with the number put in (every size is more than one).
PAGE_SIZE_OPTIONS = (25, 50, 100)
PAGE_SIZE = N_("%(num)s items")
