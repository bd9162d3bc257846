"""Each role starts where its work is: guards at the gate, technicians on their phone page,
the office on the dashboard; a page the login was asked for (a safe local one) still wins."""

from __future__ import annotations

import pytest

from admin_app.models import Role

from ..conftest import PASSWORD, Client

HOMES = {
    Role.guard: "/gate/",
    Role.technician: "/tech/",
    Role.receptionist: "/admin/",
    Role.supervisor: "/admin/",
}


@pytest.fixture
def people(factories):
    estate = factories.estate()
    return {role: factories.staff(role, estates=[estate], username=role.value) for role in HOMES}


def path_of(response) -> str:
    assert response.status_code == 302
    return response.headers["Location"].removeprefix("http://localhost")


@pytest.mark.parametrize("role", list(HOMES))
def test_each_role_lands_where_its_work_is(client, people, role):
    assert path_of(client.login(role.value)) == HOMES[role]


@pytest.mark.parametrize("role", list(HOMES))
def test_opening_the_site_then_logging_in_lands_on_the_roles_page(client, people, role):
    # The address typed in the browser is the site itself, or the panel it used to be.
    for start in ("/", "/admin/"):
        login_page = path_of(client.get(start))
        assert login_page == "/login", start
    assert path_of(client.login(role.value)) == HOMES[role]
    # Logged in: the site and the login page send him to the same place.
    assert path_of(client.get("/")) == HOMES[role]
    assert path_of(client.get("/login")) == HOMES[role]


@pytest.mark.parametrize(
    ("target", "lands"),
    [
        ("/admin/worker_pass/?page=2", "/admin/worker_pass/?page=2"),
        ("https://evil.example/", "/gate/"),
        ("//evil.example/x", "/gate/"),
        ("/\\evil", "/gate/"),
    ],
)
def test_a_guards_next_wins_only_when_it_is_a_page_of_this_site(client, people, target, lands):
    response = client.post("/login", {"username": "guard", "password": PASSWORD, "next": target})
    assert path_of(response) == lands


def test_a_page_of_the_panel_returns_there_after_login_the_dashboard_does_not(app, people):
    for asked, lands in (
        ("/admin/worker_pass/?page=2", "/admin/worker_pass/?page=2"),
        ("/admin/", "/gate/"),
    ):
        client = Client(app)
        login_page = path_of(client.get(asked))
        response = client.post(login_page, {"username": "guard", "password": PASSWORD})
        assert path_of(response) == lands, asked
