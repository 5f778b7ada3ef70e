"""Minutes and materials (issue 7 item 6): the services (cleaning, approval, draft on edit, uploads checked by
content, http(s) links, request tokens), who sees what on the event page and through the download route, and bad
uploads that keep the form."""

from pathlib import Path

import pytest
from django.conf import settings as django_settings

from events.models import EventMaterial, EventMinutes, MaterialKind, MaterialVisibility, MinutesStatus
from events.services.outcomes import (
    OutcomeError,
    add_material_file,
    add_material_link,
    delete_material,
    save_minutes,
)
from tests.events.factories import material, minutes
from tests.events.outcome_world import build_world, client_for, outcomes_html, sub_url, use_material_storage
from tests.grants.files_samples import pdf_bytes, png_bytes, upload

pytestmark = pytest.mark.django_db

TOKEN = "minutes-token-7f3a9c"


@pytest.fixture
def storage(tmp_path, settings, monkeypatch):
    return use_material_storage(tmp_path, settings, monkeypatch)


@pytest.fixture
def world(events_index, storage):
    return build_world(events_index)


# --- Minutes: service ------------------------------------------------------------------------------------------


def test_draft_minutes_are_cleaned_and_kept_as_draft(world):
    coordinator = world["users"]["coordinator"]
    saved = save_minutes(
        world["event"],
        by=coordinator,
        body='<p onclick="x()">Agreed.</p><script>alert(1)</script>',
        visibility="public",
    )
    assert saved.status == MinutesStatus.DRAFT
    assert saved.body == "<p>Agreed.</p>"
    assert saved.written_by == coordinator
    assert saved.approved_by is None


def test_approval_keeps_approver_and_time_and_a_second_click_changes_nothing(world):
    coordinator, staff = world["users"]["coordinator"], world["users"]["staff"]
    first = save_minutes(world["event"], by=coordinator, body="<p>Agreed.</p>", approve=True)
    assert first.status == MinutesStatus.APPROVED
    assert first.approved_by == coordinator
    assert first.approved_at is not None
    again = save_minutes(world["event"], by=staff, body="<p>Agreed.</p>", approve=True)
    assert again.approved_by == coordinator
    assert again.approved_at == first.approved_at
    assert EventMinutes.objects.count() == 1


def test_editing_approved_minutes_as_a_draft_takes_the_approval_back(world):
    coordinator = world["users"]["coordinator"]
    save_minutes(world["event"], by=coordinator, body="<p>Agreed.</p>", approve=True)
    edited = save_minutes(world["event"], by=coordinator, body="<p>Agreed, with a change.</p>")
    assert edited.status == MinutesStatus.DRAFT
    assert edited.approved_by is None and edited.approved_at is None
    reapproved = save_minutes(world["event"], by=world["users"]["staff"], body=edited.body, approve=True)
    assert reapproved.approved_by == world["users"]["staff"]


@pytest.mark.parametrize("role", ["registrant", "member", "other_coordinator", "outsider"])
def test_only_organisers_write_minutes(world, role):
    with pytest.raises(OutcomeError) as error:
        save_minutes(world["event"], by=world["users"][role], body="<p>Text</p>", approve=True)
    assert error.value.code == "not_organiser"
    assert not EventMinutes.objects.exists()


@pytest.mark.parametrize("body", ["", "   ", "<p> </p>", "<script>alert(1)</script>"])
def test_empty_minutes_are_refused(world, body):
    with pytest.raises(OutcomeError) as error:
        save_minutes(world["event"], by=world["users"]["coordinator"], body=body)
    assert error.value.code == "required"


def test_unknown_visibility_is_refused(world):
    with pytest.raises(OutcomeError) as error:
        save_minutes(world["event"], by=world["users"]["coordinator"], body="<p>x</p>", visibility="everyone")
    assert error.value.code == "invalid"


# --- Minutes: who reads them -----------------------------------------------------------------------------------

READERS = ["anonymous", "outsider", "registrant", "member", "other_coordinator", "coordinator", "staff"]
ORGANISERS = {"coordinator", "staff"}


@pytest.mark.parametrize("role", READERS)
def test_draft_minutes_are_invisible_to_non_organisers(world, role):
    minutes(world["event"], body="<p>DRAFT-TOKEN-91c2</p>", status=MinutesStatus.DRAFT)
    text = outcomes_html(world, role)
    assert ("DRAFT-TOKEN-91c2" in text) == (role in ORGANISERS)
    if role in ORGANISERS:
        assert "Only the organisers see these minutes" in text


VISIBLE = {
    MaterialVisibility.PUBLIC: set(READERS),
    MaterialVisibility.MEMBERS: {"member", "coordinator", "staff"},
    MaterialVisibility.REGISTRANTS: {"registrant", "coordinator", "staff"},
}


@pytest.mark.parametrize("visibility", list(VISIBLE))
@pytest.mark.parametrize("role", READERS)
def test_approved_minutes_follow_their_visibility(world, role, visibility):
    minutes(world["event"], body="<p>MINUTES-TOKEN-5d1e</p>", visibility=visibility)
    text = outcomes_html(world, role)
    assert ("MINUTES-TOKEN-5d1e" in text) == (role in VISIBLE[visibility])


# --- Materials: service ----------------------------------------------------------------------------------------


def test_a_file_is_checked_stored_privately_and_named(world, storage):
    item = add_material_file(
        world["event"],
        by=world["users"]["coordinator"],
        uploaded_file=upload("../../Презентација Šćepanović.pdf", pdf_bytes()),
        title="Slides of the training",
        kind=MaterialKind.SLIDES,
        visibility=MaterialVisibility.REGISTRANTS,
    )
    assert item.original_name == "Презентација Šćepanović.pdf"
    assert item.content_type == "application/pdf"
    assert item.size_bytes == len(pdf_bytes())
    assert storage.exists(item.file.name)
    assert item.file.name.startswith(f"events/{world['event'].pk}/")
    assert ".." not in item.file.name


def test_a_replayed_token_adds_one_material(world):
    coordinator = world["users"]["coordinator"]
    first = add_material_file(
        world["event"], by=coordinator, uploaded_file=upload("a.pdf", pdf_bytes()), title="A", request_token=TOKEN
    )
    second = add_material_file(
        world["event"], by=coordinator, uploaded_file=upload("a.pdf", pdf_bytes()), title="A", request_token=TOKEN
    )
    assert first.pk == second.pk
    link = add_material_link(world["event"], by=coordinator, url="https://example.org/r", title="R", request_token="t2")
    again = add_material_link(
        world["event"], by=coordinator, url="https://example.org/r", title="R", request_token="t2"
    )
    assert link.pk == again.pk
    assert EventMaterial.objects.count() == 2


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("notes.pdf", b"<html><script>alert(1)</script></html>", "type_mismatch"),
        ("image.pdf", png_bytes(), "type_mismatch"),
        ("tool.exe", b"MZ\x90\x00" + b"\x00" * 200, "type_not_allowed"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_wrong_files_are_refused_and_nothing_is_stored(world, storage, name, data, code):
    with pytest.raises(OutcomeError) as error:
        add_material_file(world["event"], by=world["users"]["coordinator"], uploaded_file=upload(name, data), title="X")
    assert error.value.code == code
    assert not EventMaterial.objects.exists()
    assert not [path for path in Path(storage.location).rglob("*") if path.is_file()]


def test_a_file_over_the_limit_is_refused(world, settings):
    settings.EVENT_MATERIAL_MAX_BYTES = 100
    with pytest.raises(OutcomeError) as error:
        add_material_file(
            world["event"], by=world["users"]["coordinator"], uploaded_file=upload("a.pdf", pdf_bytes(5)), title="A"
        )
    assert error.value.code == "too_large"


def test_the_limit_setting_exists():
    assert django_settings.EVENT_MATERIAL_MAX_BYTES >= 1024 * 1024


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://example.org/x", "data:text/html,hi", "example.org", ""])
def test_links_must_be_http_or_https(world, url):
    with pytest.raises(OutcomeError) as error:
        add_material_link(world["event"], by=world["users"]["coordinator"], url=url, title="Recording")
    assert error.value.code == "bad_link"


@pytest.mark.parametrize("role", ["registrant", "member", "other_coordinator"])
def test_only_organisers_add_or_delete_materials(world, role):
    user = world["users"][role]
    with pytest.raises(OutcomeError):
        add_material_link(world["event"], by=user, url="https://example.org/r", title="R")
    item = material(world["event"])
    with pytest.raises(OutcomeError):
        delete_material(item, by=user)
    assert EventMaterial.objects.filter(pk=item.pk).exists()


def test_delete_removes_the_row_and_the_file(world, storage, django_capture_on_commit_callbacks):
    item = add_material_file(
        world["event"], by=world["users"]["coordinator"], uploaded_file=upload("a.pdf", pdf_bytes()), title="A"
    )
    key = item.file.name
    with django_capture_on_commit_callbacks(execute=True):
        delete_material(item, by=world["users"]["staff"])
    assert not EventMaterial.objects.filter(pk=item.pk).exists()
    assert not storage.exists(key)
    delete_material(item, by=world["users"]["staff"])  # already gone: nothing happens


# --- Materials: who sees and downloads them --------------------------------------------------------------------


@pytest.mark.parametrize("visibility", list(VISIBLE))
@pytest.mark.parametrize("role", READERS)
def test_material_visibility_on_the_page_and_the_download(world, role, visibility):
    item = material(world["event"], title=f"MATERIAL-{visibility}-TOKEN", visibility=visibility)
    client = client_for(world, role)
    allowed = role in VISIBLE[visibility]
    assert (item.title in outcomes_html(world, role)) == allowed
    response = client.get(sub_url(world["event"], "material_download", item.pk))
    if allowed:
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment;")
        assert "slides.pdf" in response["Content-Disposition"]
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content).startswith(b"%PDF")
    elif role == "anonymous":
        assert response.status_code == 302
    else:
        assert response.status_code == 404


def test_download_url_does_not_expose_the_storage_key(world):
    item = material(world["event"])
    url = sub_url(world["event"], "material_download", item.pk)
    assert item.file.name not in url
    html = outcomes_html(world, "staff")
    assert url in html
    assert item.file.name not in html and "private-files" not in html


def test_a_material_of_another_event_is_not_served_through_this_event(world, events_index):
    other = build_world(events_index, title="Other", slug="other-training")
    item = material(other["event"])
    response = client_for(world, "staff").get(sub_url(world["event"], "material_download", item.pk))
    assert response.status_code == 404


def test_a_link_material_is_a_plain_link(world):
    item = material(world["event"], title="Recording", kind=MaterialKind.RECORDING, url="https://video.example/x")
    assert 'href="https://video.example/x"' in outcomes_html(world, "anonymous")
    assert client_for(world, "staff").get(sub_url(world["event"], "material_download", item.pk)).status_code == 404


# --- Materials page: bad uploads keep the form -----------------------------------------------------------------


def _post_file(client, world, name, data, title="Slides of day one"):
    return client.post(
        sub_url(world["event"], "organiser_materials"),
        {
            "add": "file",
            "file-title": title,
            "file-kind": "slides",
            "file-visibility": "members",
            "file-request_token": "tok-1",
            "file-file": upload(name, data),
        },
    )


def test_wrong_type_keeps_the_form_and_shows_the_message(world):
    response = _post_file(client_for(world, "coordinator"), world, "slides.pdf", png_bytes())
    assert response.status_code == 400
    text = response.content.decode()
    assert 'value="Slides of day one"' in text
    assert "Choose the file again" in text
    assert "alert--error" in text
    assert not EventMaterial.objects.exists()


def test_too_large_keeps_the_form_and_shows_the_message(world, settings):
    settings.EVENT_MATERIAL_MAX_BYTES = 200
    response = _post_file(client_for(world, "coordinator"), world, "slides.pdf", pdf_bytes(3))
    assert response.status_code == 400
    text = response.content.decode()
    assert "the limit is" in text
    assert 'value="Slides of day one"' in text
    assert not EventMaterial.objects.exists()


def test_a_good_upload_and_a_double_submit_add_one_material(world):
    client = client_for(world, "coordinator")
    assert _post_file(client, world, "slides.pdf", pdf_bytes()).status_code == 302
    assert _post_file(client, world, "slides.pdf", pdf_bytes()).status_code == 302
    assert EventMaterial.objects.count() == 1
    assert EventMaterial.objects.get().visibility == MaterialVisibility.MEMBERS


def test_a_bad_link_keeps_the_form(world):
    response = client_for(world, "coordinator").post(
        sub_url(world["event"], "organiser_materials"),
        {"add": "link", "link-title": "Recording", "link-kind": "recording", "link-visibility": "public",
         "link-url": "javascript:alert(1)", "link-request_token": "t"},
    )  # fmt: skip
    assert response.status_code == 400
    assert 'value="Recording"' in response.content.decode()
    assert "https://" in response.content.decode()
    assert not EventMaterial.objects.exists()


def test_minutes_page_saves_a_draft_and_approves(world):
    client = client_for(world, "coordinator")
    url = sub_url(world["event"], "organiser_minutes")
    response = client.post(url, {"body": "Agreed on four priorities.", "visibility": "public", "action": "draft"})
    assert response.status_code == 302
    stored = EventMinutes.objects.get()
    assert stored.status == MinutesStatus.DRAFT
    assert stored.body == "<p>Agreed on four priorities.</p>"
    assert "Agreed on four priorities." not in outcomes_html(world, "anonymous")
    client.post(url, {"body": stored.body, "visibility": "public", "action": "approve"})
    assert EventMinutes.objects.get().status == MinutesStatus.APPROVED
    assert "Agreed on four priorities." in outcomes_html(world, "anonymous")
    page = client.get(url).content.decode()
    assert "Approved by" in page


def test_minutes_page_refuses_empty_minutes_and_keeps_the_visibility(world):
    response = client_for(world, "coordinator").post(
        sub_url(world["event"], "organiser_minutes"), {"body": "<script></script>", "visibility": "members"}
    )
    assert response.status_code == 400
    assert "Write the minutes" in response.content.decode()
    assert not EventMinutes.objects.exists()


def test_minutes_page_renders_when_the_approvers_account_is_gone(world):
    """Found while looking at the page: approved minutes whose approver was deleted (``SET_NULL``) broke the page."""
    minutes(world["event"], body="<p>Approved long ago.</p>")  # approved, approved_by None
    response = client_for(world, "coordinator").get(sub_url(world["event"], "organiser_minutes"))
    assert response.status_code == 200
    assert "Approved by — on" in response.content.decode()
