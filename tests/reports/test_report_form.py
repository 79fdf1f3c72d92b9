"""The citizen's report form end to end with the test client: what is filed, where it is routed, what
is refused and why, and what the pages show (never personal data, never unescaped markup)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from openingup.reports import services, suggest
from openingup.reports.addresses import load_addresses
from openingup.reports.models import Follower, Reporter, Service, ServiceRequest
from openingup.reports.photos import FOLDER
from openingup.reports.services import feedback
from tests.reports.conftest import INSIDE
from tests.reports.images import SECRETS, jpeg_with_gps, png_bomb

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(1)>'


@pytest.fixture(autouse=True)
def keyword_suggestions(monkeypatch: pytest.MonkeyPatch) -> None:
    """Categories are suggested by the keyword match here (the classifier has tests of its own)."""
    monkeypatch.setattr(suggest, "_classifier", lambda: None)


def answers(**extra: Any) -> dict[str, Any]:
    """A complete litter report at the town's centre."""
    return {
        "description": "Broken glass and bags of rubbish by the bench",
        "service": "litter",
        "q_litter_size": "large",
        "q_litter_kind": ["glass", "bulky"],
        "q_litter_bags": "3",
        "q_litter_seen_at": "2026-12-01T10:30",
        "q_litter_where": "behind the bench",
        "q_litter_details": "It has been there for days.",
        "lat": INSIDE["lat"],
        "long": INSIDE["long"],
        "email": "",
        "send": "1",
        **extra,
    }


def photo_upload(data: bytes, name: str = "photo.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def test_the_start_page_lists_what_can_be_reported(client: Any, litter: Service, pothole: Service) -> None:
    page = client.get("/report/").content.decode()

    assert "Report a problem in Example Town" in page
    assert 'href="/report/new/?service=litter">Litter</a>' in page and ">Pothole</a>" in page


def test_the_form_asks_every_datatype_of_question(client: Any, litter: Service) -> None:
    page = client.get("/report/new/?service=litter").content.decode()

    assert '<option value="litter" selected>Litter</option>' in page
    assert re.search(r'<input type="text" name="q_litter_where"', page)
    assert re.search(r'<input type="number" name="q_litter_bags"[^>]*step="any"', page)
    assert re.search(r'<input type="datetime-local" name="q_litter_seen_at"', page)
    assert re.search(r'<textarea name="q_litter_details"', page)
    assert re.search(r'<select name="q_litter_size"', page) and "How big? (required)" in page
    assert page.count('type="checkbox" name="q_litter_kind"') == 3
    assert 'data-bbox="4.440000,52.270000,4.520000,52.320000"' in page and 'data-tiles=""' in page


def test_the_map_uses_the_configured_tile_server(
    client: Any, litter: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENINGUP_MAP_TILES", "https://tiles.example/{z}/{x}/{y}.png")
    monkeypatch.setenv("OPENINGUP_MAP_ATTRIBUTION", "© Map makers")

    page = client.get("/report/new/").content.decode()

    assert 'data-tiles="https://tiles.example/{z}/{x}/{y}.png"' in page and "© Map makers" in page
    monkeypatch.setenv("OPENINGUP_MAP_TILES", "javascript:alert(1)//{z}{x}{y}")
    assert 'data-tiles=""' in client.get("/report/new/").content.decode()


def test_a_photo_fills_the_location_and_loses_its_exif(client: Any, litter: Service, roads: Any) -> None:
    data = answers(lat="", long="", photo=photo_upload(jpeg_with_gps((52.0, 17.0, 24.0), (4.0, 28.0, 48.0))))

    response = client.post("/report/new/", data)

    assert response.status_code == 302, response.content.decode()[:3000]
    filed = ServiceRequest.objects.get()
    assert response["Location"] == f"/report/done/{filed.token}/"
    assert (filed.lat, filed.long) == (52.29, 4.48)
    assert filed.department == roads and filed.expected_datetime is not None
    assert filed.attributes == {
        "size": "large",
        "kind": ["glass", "bulky"],
        "bags": "3",
        "seen_at": "2026-12-01T10:30:00+01:00",
        "where": "behind the bench",
        "details": "It has been there for days.",
    }
    name = filed.media_url.rsplit("/", 1)[1]
    assert filed.media_url == f"http://127.0.0.1:8000/report/photos/{name}"
    served = b"".join(client.get(f"/report/photos/{name}").streaming_content)
    assert served[:2] == b"\xff\xd8" and not any(secret in served for secret in SECRETS)
    assert default_storage.listdir(FOLDER)[1] == [name]
    done = client.get(response["Location"]).content.decode()
    assert f'<img src="/report/photos/{name}"' in done
    assert f"We registered your report as number {filed.pk}." in done
    assert f"/report/track/{filed.token}/" in done


def test_an_image_bomb_is_refused_and_nothing_is_filed(client: Any, litter: Service) -> None:
    response = client.post("/report/new/", answers(photo=photo_upload(png_bomb(), "bomb.png")))

    assert response.status_code == 400
    assert "pixels that are accepted" in response.content.decode()
    assert not ServiceRequest.objects.exists()


def test_a_ten_megabyte_description_is_refused(client: Any, litter: Service) -> None:
    response = client.post("/report/new/", answers(description="x" * (10 * 1024 * 1024 + 1)))

    assert response.status_code == 413
    assert "The report is too large to send." in response.content.decode()
    assert not ServiceRequest.objects.exists()


def test_a_long_description_is_refused_at_the_field(client: Any, litter: Service) -> None:
    response = client.post("/report/new/", answers(description="y" * 5000))

    assert response.status_code == 400
    assert "at most 4000 characters (it has 5000)" in response.content.decode()
    assert not ServiceRequest.objects.exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"lat": "", "long": ""},
            "Place the pin on the map, give the coordinates, or search for an address.",
        ),
        ({"lat": "51.0", "long": "4.48"}, "This spot is outside the municipality."),
        ({"q_litter_size": ""}, "Answer this question."),
        ({"q_litter_size": "huge"}, "Select a valid choice."),
        ({"q_litter_bags": "many"}, "Enter a number."),
        ({"description": ""}, "Describe what is wrong."),
        ({"email": "not-an-address"}, "Enter a valid email address."),
    ],
)
def test_bad_answers_are_shown_next_to_their_field(
    client: Any, litter: Service, change: dict[str, str], message: str
) -> None:
    response = client.post("/report/new/", answers(**change))

    assert response.status_code == 400
    page = response.content.decode()
    assert message in page and "There is a problem" in page
    assert not ServiceRequest.objects.exists()


def test_the_category_is_suggested_from_the_text_and_can_be_corrected(
    client: Any, litter: Service, pothole: Service
) -> None:
    first = client.post("/report/new/", answers(service="", description="So much rubbish in the park"))

    assert first.status_code == 200
    page = first.content.decode()
    assert "We think your report is about “Litter”." in page
    assert '<option value="litter" selected>Litter</option>' in page
    assert not ServiceRequest.objects.exists()

    corrected = client.post("/report/new/", answers(service="pothole", description="So much rubbish"))
    assert corrected.status_code == 302
    assert ServiceRequest.objects.get().service == pothole


def test_without_a_suggestion_the_visitor_chooses(client: Any, litter: Service) -> None:
    response = client.post("/report/new/", answers(service="", description="Something odd is going on"))

    assert response.status_code == 400
    assert "We could not tell the category from your description; choose one." in response.content.decode()


def test_suggestions_as_json(client: Any, litter: Service, pothole: Service) -> None:
    body = client.get("/report/suggest.json", {"text": "waste everywhere"}).json()

    assert body[0]["service_code"] == "litter" and body[0]["service_name"] == "Litter"


def existing(service: str = "litter", lat: float = 52.29, long: float = 4.48) -> ServiceRequest:
    filing = services.Filing(
        service_code=service,
        location=services.Location(lat=lat, long=long),
        description="Rubbish bags by the bench",
        attributes={"size": "small"} if service == "litter" else {},
    )
    return services.file_request(actor=None, filing=filing)


def test_nearby_similar_reports_are_shown_before_filing(client: Any, litter: Service) -> None:
    earlier = existing()

    shown = client.post("/report/new/", answers(lat="52.29015", long="4.48"))  # about 17 m north

    assert shown.status_code == 200
    page = shown.content.decode()
    assert "Is this already reported?" in page and "about 17 m away" in page
    assert f'name="follow" value="{earlier.pk}"' in page
    assert '<input type="hidden" name="confirmed" value="litter@52.29015,4.48"' in page
    assert ServiceRequest.objects.count() == 1

    seen = "litter@52.29015,4.48"
    moved = client.post("/report/new/", answers(lat="52.29005", long="4.48", confirmed=seen))
    assert "Is this already reported?" in moved.content.decode()  # another spot: shown again
    anyway = client.post("/report/new/", answers(lat="52.29015", long="4.48", confirmed=seen))
    assert anyway.status_code == 302 and ServiceRequest.objects.count() == 2


def test_following_instead_of_filing(client: Any, litter: Service) -> None:
    earlier = existing()

    refused = client.post("/report/new/", answers(follow=str(earlier.pk)))
    assert "Give your e-mail address to follow a report." in refused.content.decode()
    assert not Follower.objects.exists()

    response = client.post(
        "/report/new/",
        answers(follow=str(earlier.pk), email="neighbour@example.org"),
        HTTP_ACCEPT_LANGUAGE="nl",
    )

    follower = Follower.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/report/following/{follower.token}/"
    assert (follower.request, follower.email, follower.language, follower.is_reporter) == (
        earlier,
        "neighbour@example.org",
        "nl",
        False,
    )
    assert ServiceRequest.objects.count() == 1
    page = client.get(response["Location"]).content.decode()
    assert "neighbour@example.org" not in page and f"/report/track/{earlier.token}/" in page


def test_anonymous_reports_keep_no_contact(client: Any, litter: Service) -> None:
    response = client.post("/report/new/", answers())

    assert ServiceRequest.objects.count() == 1
    assert not Reporter.objects.exists() and not Follower.objects.exists()
    assert "You reported anonymously" in client.get(response["Location"]).content.decode()


def test_a_report_with_email_keeps_the_reporter_as_follower(client: Any, litter: Service) -> None:
    response = client.post("/report/new/", answers(email="me@example.org"), HTTP_ACCEPT_LANGUAGE="de")

    filed = ServiceRequest.objects.get()
    assert Reporter.objects.get(request=filed).email == "me@example.org"
    follower = Follower.objects.get(request=filed)
    assert follower.is_reporter and follower.language == "de"
    done = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "We e-mail you when its status changes." in done and "me@example.org" not in done


def test_the_address_search_places_the_pin_without_a_script(client: Any, litter: Service) -> None:
    load_addresses(
        actor=None, text="street,number,postcode,city,lat,long\nKerkplein,4,2291BA,Town,52.2944,4.4783\n"
    )

    found = client.post("/report/new/", answers(address="kerkplein", find_address="1", lat="", long=""))
    page = found.content.decode()
    assert (
        found.status_code == 200 and "Kerkplein 4, 2291BA Town" in page and "There is a problem" not in page
    )
    pk = re.search(r'name="use_address" value="(\d+)"', page).group(1)  # type: ignore[union-attr]

    used = client.post("/report/new/", answers(use_address=pk, lat="", long="")).content.decode()
    assert 'value="52.2944000"' in used and 'value="4.4783000"' in used
    assert 'value="Kerkplein 4, 2291BA Town"' in used

    assert client.get("/report/addresses.json", {"q": "Kerkplein 4"}).json() == [
        {"label": "Kerkplein 4, 2291BA Town", "lat": 52.2944, "long": 4.4783}
    ]


def test_the_tracking_page_shows_the_history_without_personal_data(client: Any, litter: Service) -> None:
    client.post("/report/new/", answers(email="me@example.org", address="Kerkplein 4"))
    filed = ServiceRequest.objects.get()
    services.change_status(actor=None, request=filed, status="in_progress", note="A crew is on its way.")
    services.add_note(actor=None, request=filed, description="Reporter phoned: ask for Jane", internal=True)

    page = client.get(f"/report/track/{filed.token}/").content.decode()

    assert "In progress" in page and "A crew is on its way." in page and "Kerkplein 4" in page
    assert "me@example.org" not in page and "Jane" not in page
    assert client.get("/report/track/not-a-token/").status_code == 404


def test_markup_is_escaped_on_every_page(client: Any, litter: Service) -> None:
    Service.objects.filter(pk=litter.pk).update(name={"en": f"Litter {HOSTILE}"})
    hostile = answers(
        description=f"Bags {HOSTILE}",
        address=f"Street {HOSTILE}",
        q_litter_where=f"there {HOSTILE}",
        q_litter_details=f"details {HOSTILE}",
        email="me@example.org",
    )
    error_page = client.post("/report/new/", hostile | {"q_litter_size": ""}).content.decode()
    client.post("/report/new/", hostile)
    filed = ServiceRequest.objects.get()
    services.change_status(actor=None, request=filed, status="in_progress", note=f"Note {HOSTILE}")
    other = client.post("/report/new/", answers(follow=str(filed.pk), email="n@example.org"))
    pages = [
        error_page,
        client.get("/report/").content.decode(),
        client.get("/report/new/").content.decode(),
        client.get(f"/report/done/{filed.token}/").content.decode(),
        client.get(f"/report/track/{filed.token}/").content.decode(),
        client.get(other["Location"]).content.decode(),
        client.post("/report/new/", answers(lat="52.29001", long="4.48")).content.decode(),  # nearby list
    ]
    services.change_status(actor=None, request=filed, status="done")
    question = feedback.ask_satisfaction(request=filed)
    pages.append(client.get(f"/report/satisfaction/{question.token}/").content.decode())
    for page in pages:
        assert "<script>alert" not in page and "<img src=x" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_only_our_own_photos_are_shown_inline(client: Any, litter: Service) -> None:
    filing = services.Filing(
        service_code="litter",
        location=services.Location(lat=52.29, long=4.48),
        media_url="https://tracker.example/pixel.jpg",
        attributes={"size": "small"},
    )
    elsewhere = services.file_request(actor=None, filing=filing)

    page = client.get(f"/report/track/{elsewhere.token}/").content.decode()

    assert '<img src="https://tracker.example' not in page
    assert '<a href="https://tracker.example/pixel.jpg" rel="nofollow noopener noreferrer">' in page
