"""Who approves large-item release slips (大件物品放行条) is each estate's setting: supervisors
(the default, as before) or the front desk (the seed gives it to the receptionist). The setting
is changed by a supervisor or an administrator, for their own estates only."""

from __future__ import annotations

from datetime import date

import pytest

from admin_app.extensions import db
from admin_app.models import Estate, PassStatus, ReleaseApprover, ReleasePass, Role, Staff
from admin_app.passes import operations as passes
from admin_app.services.errors import Forbidden, NotFound, ServiceError

P = PassStatus
DESK = ReleaseApprover.receptionist


@pytest.fixture
def world(factories):
    w = factories.two_estates()
    w.desk = factories.staff(Role.receptionist, estates=[w.a])
    w.boss = factories.staff(Role.supervisor, estates=[w.a])
    w.boss_b = factories.staff(Role.supervisor, estates=[w.b])
    w.guard = factories.staff(Role.guard, estates=[w.a])
    w.admin = factories.staff(Role.admin, all_estates=True)
    w.director = factories.staff(Role.director, all_estates=True)
    return w


def slips(factories, world, n=2):
    return [
        factories.release_pass(world.a, world.unit_a, moving_date=date.today()) for _ in range(n)
    ]


def setting(estate_id):
    return db.session.get(Estate, estate_id).release_approver


def change(world, who, value, estate=None):
    passes.set_release_approver(
        db.session.get(Estate, (estate or world.a).id),
        db.session.get(Staff, getattr(world, who).id),
        value,
    )


def decide(world, who, slip, step):
    actor = db.session.get(Staff, getattr(world, who).id)
    record = db.session.get(ReleasePass, slip.id)
    if step == "approve":
        passes.approve(record, actor)
    else:
        passes.reject(record, actor, reason="物品与申请不符")
    return record.status


def test_by_default_only_a_supervisor_approves_or_rejects(in_app, factories, world):
    first, second = slips(factories, world)
    with in_app():
        assert setting(world.a.id) is ReleaseApprover.supervisor
        for step, slip in (("approve", first), ("reject", second)):
            with pytest.raises(ServiceError, match="approved by a supervisor"):
                decide(world, "desk", slip, step)
        assert decide(world, "boss", first, "approve") is P.approved
        assert decide(world, "boss", second, "reject") is P.rejected


def test_when_the_desk_approves_a_receptionist_approves_and_rejects(in_app, factories, world):
    first, second, third = slips(factories, world, 3)
    with in_app():
        change(world, "boss", "receptionist")
        db.session.commit()
        assert setting(world.a.id) is DESK and setting(world.b.id) is ReleaseApprover.supervisor
        assert decide(world, "desk", first, "approve") is P.approved
        assert decide(world, "desk", second, "reject") is P.rejected
        assert db.session.get(ReleasePass, first.id).approved_by_id == world.desk.id
        # A supervisor still may; a guard never decides.
        with pytest.raises(ServiceError):
            decide(world, "guard", third, "approve")


def test_the_desk_setting_does_not_reach_the_other_passes(in_app, factories, world):
    vehicle = factories.vehicle_pass(world.a, unit_id=world.unit_a.id)
    with in_app():
        change(world, "boss", "receptionist")
        with pytest.raises(ServiceError, match="role may not"):
            passes.approve(
                db.session.get(type(vehicle), vehicle.id), db.session.get(Staff, world.desk.id)
            )


@pytest.mark.parametrize(
    ("who", "value", "error"),
    [
        ("desk", "receptionist", Forbidden),
        ("guard", "receptionist", Forbidden),
        ("director", "receptionist", Forbidden),
        ("boss_b", "receptionist", NotFound),
        ("boss", "guard", ServiceError),
    ],
)
def test_who_may_change_the_setting(in_app, world, who, value, error):
    with in_app():
        with pytest.raises(error):
            change(world, who, value)
        db.session.rollback()
        assert setting(world.a.id) is ReleaseApprover.supervisor


def test_the_change_is_in_the_estates_history(in_app, world):
    from admin_app.models import AuditRecord

    with in_app():
        change(world, "admin", "receptionist")
        db.session.commit()
        entry = db.session.query(AuditRecord).filter_by(action="change_settings").one()
        assert (entry.entity_type, entry.entity_id, entry.actor_id) == (
            "estate",
            world.a.id,
            world.admin.id,
        )
        assert entry.changes["release_approver"] == ["supervisor", "receptionist"]


def test_the_settings_screen_changes_who_may_approve(login, in_app, factories, world):
    (slip,) = slips(factories, world, 1)
    desk = login(world.desk)
    approve = f"/admin/release_pass/act/approve/?id={slip.id}"
    details = desk.get(f"/admin/release_pass/details/?id={slip.id}").get_data(as_text=True)
    assert "act/approve/" not in details  # no button the desk may not press
    assert desk.get("/admin/estate_settings/").status_code == 403
    assert (
        desk.post(
            "/admin/estate_settings/save/",
            {"estate": world.a.id, "release_approver": "receptionist"},
        ).status_code
        == 403
    )
    boss = login(world.boss, lang="zh-CN")
    screen = boss.get("/admin/estate_settings/").get_data(as_text=True)
    assert "大件物品放行条审批人" in screen and "甲小区" in screen and "乙小区" not in screen
    other = boss.post(
        "/admin/estate_settings/save/", {"estate": world.b.id, "release_approver": "receptionist"}
    )
    assert other.status_code == 404
    saved = boss.post(
        "/admin/estate_settings/save/", {"estate": world.a.id, "release_approver": "receptionist"}
    )
    assert saved.status_code == 302
    assert "甲小区 的设置已保存。" in boss.get(saved.headers["Location"]).get_data(as_text=True)
    details = desk.get(f"/admin/release_pass/details/?id={slip.id}").get_data(as_text=True)
    assert "act/approve/" in details
    response = desk.post(
        approve,
        {
            "ids": slip.id,
            "valid_from": date.today().isoformat(),
            "valid_until": date.today().isoformat(),
        },
    )
    assert response.status_code == 302
    with in_app():
        assert db.session.get(ReleasePass, slip.id).status is P.approved
