"""Load the demo municipality into an empty catalogue, through the catalogue's own services.

What is loaded is data: ``municipality.json`` (organisations, catalogue, series, the API, datasets and
their distributions) and ``town.json`` (the made-up geography and names the files are generated from).
This module only knows how to turn those records into service calls:

1. organisations (``create_organisation``), the catalogue row and the dataset series;
2. every dataset as a draft (``create_dataset``) with its files generated and uploaded
   (``add_distribution(upload=...)``, which mints URLs, size, checksum, format and media type) or its
   external links;
3. the data service that serves the high-value datasets (``create_data_service``);
4. every dataset published (``publish_dataset``), which checks it against the platform's SHACL shapes.

Everything happens in one transaction: when anything fails nothing is left behind, files included.
"""

from __future__ import annotations

import json
import time
from functools import cache
from importlib import resources
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from openingup.catalogue import services
from openingup.catalogue.demo.files import Town
from openingup.catalogue.demo.generators import generate
from openingup.catalogue.models import Catalogue, DataService, Dataset, DatasetSeries, Distribution
from openingup.catalogue.records import data_service_uri, dataset_uri, series_uri
from openingup.catalogue.validation import VOCABULARY_OF
from openingup.core.errors import FieldProblem, InvalidInput, NotFound
from openingup.organisations import services as organisation_services
from openingup.organisations.models import Organisation
from openingup.vocabularies.registry import file_type_for_extension, media_type_for_file_type, vocabulary

__all__ = ["load_demo", "municipality", "town"]


@cache
def _data_file(name: str) -> dict[str, Any]:
    text = resources.files("openingup.catalogue.demo").joinpath(name).read_text(encoding="utf-8")
    return json.loads(text)  # type: ignore[no-any-return]


def municipality() -> dict[str, Any]:
    """The demo municipality's records (``municipality.json``), as written."""
    return _data_file("municipality.json")


def town() -> Town:
    """The made-up geography the demo files describe (``town.json``)."""
    return Town.from_data(_data_file("town.json"))


def load_demo(*, actor: Any = None) -> dict[str, Any]:
    """Load the demo municipality unless the catalogue already has a dataset; returns what was done.

    The summary counts what was created: ``organisations``, ``datasets``, ``distributions``,
    ``services``, ``series`` (and ``catalogue``: 1 when the catalogue row was created), with
    ``loaded`` and a ``message``. Raises :class:`InvalidInput` when a demo record does not pass the
    services' checks (a bug in the demo data); nothing is then left in the database or on disk.
    """
    started = time.perf_counter()
    if Dataset.objects.exists():
        return {
            "loaded": False,
            "message": "The catalogue already has datasets, so the demo was not loaded.",
            **dict.fromkeys(
                ("organisations", "datasets", "distributions", "services", "series", "catalogue"), 0
            ),
        }
    loader = _Loader(municipality(), town(), actor)
    try:
        with transaction.atomic():
            summary = loader.run()
    except BaseException:
        loader.remove_files()
        raise
    summary["seconds"] = round(time.perf_counter() - started, 2)
    return summary


class _Loader:
    def __init__(self, data: dict[str, Any], town: Town, actor: Any) -> None:
        self.data = data
        self.town = town
        self.actor = actor
        self.defaults = data.get("defaults", {})
        self.organisations: dict[str, Organisation] = {}
        self.series: dict[str, DatasetSeries] = {}
        self.files: list[Distribution] = []
        self.counts = dict.fromkeys(
            ("organisations", "datasets", "distributions", "services", "series", "catalogue"), 0
        )

    # ------------------------------------------------------------------ steps

    def run(self) -> dict[str, Any]:
        for item in self.data["organisations"]:
            self._organisation(item)
        self._catalogue(self.data["catalogue"])
        for item in self.data.get("series", []):
            self._series(item)
        service_spec = self.data.get("data_service")
        service_url = data_service_uri(DataService(slug=service_spec["slug"])) if service_spec else ""
        datasets = [(item, self._dataset(item, service_url)) for item in self.data["datasets"]]
        if service_spec:
            self._data_service(
                service_spec, [(item, row) for item, row in datasets if item.get("hvd")], service_url
            )
        for item, dataset in datasets:
            try:
                services.publish_dataset(actor=self.actor, dataset=dataset)
            except InvalidInput as exc:
                raise InvalidInput(f"Demo dataset {item['slug']!r}: {exc.message}", exc.problems) from exc
        published = len(datasets)
        return {
            "loaded": True,
            "message": f"Loaded the demo municipality {self.town.name}: {published} published datasets.",
            **self.counts,
        }

    def remove_files(self) -> None:
        """Delete the files stored so far (the rows are gone with the rolled-back transaction)."""
        for distribution in self.files:
            if distribution.file.name:
                distribution.file.storage.delete(distribution.file.name)

    def _organisation(self, item: dict[str, Any]) -> None:
        try:
            org = organisation_services.get_organisation(item["slug"])
        except NotFound:
            fields = {
                k: self._text(v)
                for k, v in item.items()
                if k in ("description", "publisher_type", "homepage", "email")
            }
            org = organisation_services.create_organisation(
                actor=None,  # the demo's own organisations, whoever loads it
                name=item["name"],
                kind=item.get("kind", Organisation.Kind.PUBLISHER),
                slug=item["slug"],
                parent=self.organisations[item["parent"]] if item.get("parent") else None,
                **fields,
            )
            self.counts["organisations"] += 1
        self.organisations[item["key"]] = org

    def _catalogue(self, item: dict[str, Any]) -> None:
        """The catalogue description; an existing one is left as it is."""
        if Catalogue.objects.exists():
            return
        publisher = self.organisations[item["publisher"]]
        record = self._resolved({k: v for k, v in item.items() if k != "publisher"})
        record["spatial"] = [self._location()]
        record["modified"] = timezone.now().date().isoformat()
        services.save_catalogue(actor=self.actor, publisher=publisher, data=record)
        self.counts["catalogue"] = 1

    def _series(self, item: dict[str, Any]) -> None:
        """A dataset series (an existing one with the same slug is reused)."""
        record = self._resolved(
            {k: v for k, v in item.items() if k not in ("key", "slug", "publisher", "contact")}
        )
        record["contact_points"] = [self._contact(item["contact"])]
        record["spatial"] = [self._location()]
        record["modified"] = timezone.now().date().isoformat()
        publisher = self.organisations[item["publisher"]]
        series = DatasetSeries.objects.filter(slug=item["slug"]).first()
        if series is None:
            series = services.create_dataset_series(
                actor=self.actor, publisher=publisher, data=record, slug=item["slug"]
            )
            self.counts["series"] += 1
        self.series[item["key"]] = series

    def _dataset(self, item: dict[str, Any], service_url: str) -> Dataset:
        slug = item["slug"]
        keys = (
            "title",
            "description",
            "keywords",
            "themes",
            "issued",
            "temporal",
            "temporal_resolution",
            "frequency",
            "conforms_to",
            "documentation",
            "language",
            "access_rights",
            "landing_page",
        )
        record = self._resolved(
            {**self.defaults.get("dataset", {}), **{k: item[k] for k in keys if k in item}}, slug
        )
        record["contact_points"] = [self._contact(item["contact"])]
        record["spatial"] = [self._location()]
        if item.get("series"):
            record["in_series"] = [series_uri(self.series[item["series"]])]
        hvd = bool(item.get("hvd"))
        if hvd:
            record["hvd_categories"] = self._resolved({"hvd_categories": item["hvd"]})["hvd_categories"]
            record.update(self._resolved(self.defaults.get("hvd", {})))
        dataset = services.create_dataset(
            actor=self.actor, publisher=self.organisations[item["publisher"]], data=record, slug=slug
        )
        if dataset.slug != slug:
            raise InvalidInput(
                f"Demo dataset slug {slug!r} is taken.", [FieldProblem("slug", "already in use")]
            )
        self.counts["datasets"] += 1
        for spec in item["distributions"]:
            self._distribution(dataset, item, spec, service_url if hvd else "")
        return dataset

    def _distribution(
        self, dataset: Dataset, item: dict[str, Any], spec: dict[str, Any], service_url: str
    ) -> None:
        base = {**self.defaults.get("distribution", {})}
        if item.get("licence"):
            base["licence"] = item["licence"]
        if service_url:
            base.update(self.defaults.get("hvd", {}))
            base["access_services"] = [service_url]
        if "link" in spec:
            fields = {
                **base,
                **self.defaults.get("formats", {}).get("link", {}),
                "access_url": [spec["link"]],
            }
            fields.update({k: spec[k] for k in ("title", "description") if k in spec})
            record = self._resolved(fields, dataset.slug)
            distribution = services.add_distribution(actor=self.actor, dataset=dataset, data=record)
        else:
            name = spec["file"]
            ext = name.rsplit(".", 1)[-1].lower()
            fields = {**base, **self.defaults.get("formats", {}).get(ext, {})}
            fields["title"] = spec.get("title") or self._file_title(item["title"], ext)
            if "description" in spec:
                fields["description"] = spec["description"]
            content = generate(spec["generator"], ext, self.town, spec.get("params"))
            file_type = file_type_for_extension(ext)
            media = media_type_for_file_type(file_type.uri) if file_type else None
            upload = SimpleUploadedFile(name, content, content_type=media or "application/octet-stream")
            record = self._resolved(fields, dataset.slug)
            distribution = services.add_distribution(
                actor=self.actor, dataset=dataset, data=record, upload=upload
            )
            self.files.append(distribution)
        self.counts["distributions"] += 1

    def _data_service(
        self, item: dict[str, Any], hvd: list[tuple[dict[str, Any], Dataset]], service_url: str
    ) -> None:
        keys = (
            "title",
            "description",
            "keywords",
            "themes",
            "endpoint_url",
            "endpoint_description",
            "documentation",
            "conforms_to",
            "format",
            "licence",
            "access_rights",
            "landing_page",
        )
        record = self._resolved({k: item[k] for k in keys if k in item})
        record["contact_points"] = [self._contact(item["contact"])]
        if item.get("serves") == "hvd":
            record["serves_dataset"] = [dataset_uri(dataset) for _, dataset in hvd]
            categories = sorted({c for spec, _ in hvd for c in spec["hvd"]})
            if categories:
                record["hvd_categories"] = self._resolved({"hvd_categories": categories})["hvd_categories"]
                record.update(self._resolved(self.defaults.get("hvd", {})))
        service = services.create_data_service(
            actor=self.actor, publisher=self.organisations[item["publisher"]], data=record, slug=item["slug"]
        )
        if data_service_uri(service) != service_url:
            raise InvalidInput(
                f"The demo data service slug {item['slug']!r} is taken.",
                [FieldProblem("slug", "already in use")],
            )
        self.counts["services"] += 1

    # ------------------------------------------------------------------ values

    def _text(self, value: Any, slug: str = "") -> Any:
        """``value`` with {base}, {site} and {slug} filled in, at any depth."""
        if isinstance(value, str):
            return (
                value.replace("{base}", settings.BASE_URL)
                .replace("{site}", self.data["site"])
                .replace("{slug}", slug)
            )
        if isinstance(value, list):
            return [self._text(v, slug) for v in value]
        if isinstance(value, dict):
            return {k: self._text(v, slug) for k, v in value.items()}
        return value

    def _resolved(self, record: dict[str, Any], slug: str = "") -> dict[str, Any]:
        """The record with placeholders filled in and vocabulary codes turned into their URIs."""
        out = self._text(record, slug)
        for key, value in out.items():
            name = VOCABULARY_OF.get(key)
            if name == "media-type" or not name:
                continue
            out[key] = (
                [_concept_uri(name, v) for v in value]
                if isinstance(value, list)
                else _concept_uri(name, value)
            )
        return out

    def _contact(self, key: str) -> dict[str, Any]:
        return self._text(self.data["contact_points"][key])  # type: ignore[no-any-return]

    def _location(self) -> dict[str, Any]:
        min_lon, min_lat, max_lon, max_lat = self.town.bbox
        corners = [
            (min_lon, min_lat),
            (max_lon, min_lat),
            (max_lon, max_lat),
            (min_lon, max_lat),
            (min_lon, min_lat),
        ]
        ring = ", ".join(f"{lon} {lat}" for lon, lat in corners)
        return {
            "label": self.data["location"]["label"],
            "bbox": f"POLYGON(({ring}))",
            "centroid": f"POINT({round((min_lon + max_lon) / 2, 6)} {round((min_lat + max_lat) / 2, 6)})",
        }

    @staticmethod
    def _file_title(title: dict[str, str], ext: str) -> dict[str, str]:
        file_type = file_type_for_extension(ext)
        return {
            lang: f"{title[lang]} ({file_type.label(lang) if file_type else ext.upper()})" for lang in title
        }


def _concept_uri(name: str, value: str) -> str:
    """The URI of a vocabulary code (``CSV``, ``CC_BY_4_0``, ``c_b79e35eb``); URIs pass unchanged."""
    if value.startswith(("http://", "https://")):
        return value
    concept = vocabulary(name).by_code(value)
    if concept is None:
        raise InvalidInput(f"The demo data uses {value!r}, which is not a code of the EU {name} vocabulary.")
    return concept.uri
