"""A form field's attributes are written as WTForms writes them, by a faster function
(panel/html_attributes.py): the same bytes for any keys and values, and every form uses it."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup

from admin_app.models import Role
from admin_app.panel.html_attributes import WTFORMS_HTML_PARAMS, html_params

# Keys as forms pass them (class_, data_x, aria_x, for_) and any other text; values of every
# kind a widget hands over, text with quotes, ampersands and tags among them, and Markup.
KEYS = st.one_of(
    st.sampled_from(["class_", "for_", "id", "name", "data_role", "aria_describedby", "value"]),
    st.text(min_size=1, max_size=12),
    st.builds(lambda p, s: p + s, st.sampled_from(["data_", "aria_", ""]), st.text(max_size=8)),
)
TEXT = st.text(alphabet=st.sampled_from("ab \"'<>&=张三\n\t;"), max_size=16)
VALUES = st.one_of(
    st.booleans(),
    st.none(),
    st.integers(),
    st.floats(allow_nan=False),
    TEXT,
    TEXT.map(Markup),
    st.text(max_size=16),
)


@given(st.dictionaries(KEYS, VALUES, max_size=10))
def test_the_same_attributes_as_wtforms(attributes):
    ours = html_params(**attributes)
    assert ours == WTFORMS_HTML_PARAMS(**attributes)
    assert isinstance(ours, Markup)


def test_a_value_cannot_leave_its_attribute():
    written = html_params(value='" onfocus="alert(1)', title=Markup('<a href="#">'))
    assert written == 'title="<a href=&quot;#&quot;>" value="&#34; onfocus=&#34;alert(1)"'


def test_every_form_writes_its_fields_with_it(app, factories, login):
    import flask_admin.model.widgets
    import wtforms.widgets
    import wtforms.widgets.core

    for module in (wtforms.widgets.core, wtforms.widgets, flask_admin.model.widgets):
        assert module.html_params is html_params, module.__name__
    client = login(factories.staff(Role.supervisor, estates=[factories.estate()]))
    page = client.get("/admin/ticket/new/")
    assert page.status_code == 200
    assert 'name="reporter_name"' in page.get_data(as_text=True)
