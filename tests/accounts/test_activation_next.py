"""Activation leads back: a visitor who was going somewhere (the wizard, a filing)
signs up, opens the e-mail link, activates and lands where they were going."""

import pytest
from bs4 import BeautifulSoup

from .test_accounts import LOGIN, SIGNUP, link_in, signup_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def sign_up_from(client, django_capture_on_commit_callbacks):
    def post(next_path):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(f"{SIGNUP}?next={next_path}", signup_data())

    return post


def test_next_survives_login_sign_up_e_mail_and_activation(
    client, sign_up_from, mailoutbox
):
    # The anonymous visitor pressed "Comenzar": the login page knows where to.
    login = client.post("/formaliza/")
    assert login["Location"] == f"{LOGIN}?next=/formaliza/"
    page = BeautifulSoup(client.get(login["Location"]).content, "html.parser")
    assert page.find("a", string="Cree una cuenta")["href"] == (
        f"{SIGNUP}?next=/formaliza/"
    )
    signup = BeautifulSoup(
        client.get(f"{SIGNUP}?next=/formaliza/").content, "html.parser"
    )
    assert signup.find("input", attrs={"name": "next"})["value"] == "/formaliza/"

    assert sign_up_from("/formaliza/").status_code == 302
    link = link_in(mailoutbox[0])
    assert link.endswith("?next=%2Fformaliza%2F")
    assert client.get(link).status_code == 200
    response = client.post(link)
    assert response.status_code == 302 and response["Location"] == "/formaliza/"
    # Logged in: the wizard starts at once.
    started = client.post("/formaliza/")
    assert "/formaliza/" in started["Location"] and LOGIN not in started["Location"]


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", "formaliza/"],
)
def test_a_next_off_the_site_is_dropped(client, sign_up_from, mailoutbox, target):
    sign_up_from(target)
    link = link_in(mailoutbox[0])
    assert "next=" not in link
    assert client.post(link)["Location"] == "/cuenta/perfil/"


def test_a_next_added_to_the_link_later_is_checked_again(
    client, sign_up_from, mailoutbox
):
    sign_up_from("/formaliza/")
    link = link_in(mailoutbox[0]).split("?")[0] + "?next=https://evil.example/"
    assert client.post(link)["Location"] == "/cuenta/perfil/"
