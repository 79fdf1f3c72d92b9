import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openingup.catalogue import services as catalogue
from openingup.datastore import services, sources

def test_probe(client, make_dataset):
    ds = make_dataset("T")
    d = catalogue.add_distribution(actor=None, dataset=ds, data={}, upload=SimpleUploadedFile("t.csv", b"t,n\n10:00:00,1\n11:30:00,2\n"))
    with sources.materialise(d) as src:
        table = services.ingest_source(d, src, table_schema={"fields": [{"name": "t", "type": "time"}, {"name": "n", "type": "integer"}]})
    print(table.status, table.fields, table.report)
    for q in ({"t": "xx"}, {"t": "10:00:00"}, {"t__gt": "nope"}):
        r = client.get(f"/api/v1/distributions/{d.pk}/rows", q)
        print(q, r.status_code, r.content[:300])
    r = client.post("/api/3/action/datastore_search", {"resource_id": str(d.pk), "filters": '{"t": "xx"}'})
    print("ckan", r.status_code, r.content[:300])
    r = client.post("/api/3/action/datastore_search", {"resource_id": str(d.pk), "filters": '{"t": "10:00:00"}'})
    print("ckan", r.status_code, r.content[:400])
