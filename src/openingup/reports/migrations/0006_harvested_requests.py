# Requests harvested from another city's Open311 endpoint: their source, remote id and link; and the
# index of the nearby-duplicate lookup (a service's requests by latitude).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("harvest", "0001_initial"),
        ("reports", "0005_back_office"),
    ]

    operations = [
        migrations.AddField(
            model_name="servicerequest",
            name="harvest_source",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="harvest.harvestsource",
            ),
        ),
        migrations.AddField(
            model_name="servicerequest",
            name="remote_id",
            field=models.CharField(blank=True, db_index=True, max_length=200),
        ),
        migrations.AddField(
            model_name="servicerequest",
            name="remote_url",
            field=models.URLField(blank=True, max_length=2000),
        ),
        migrations.AddIndex(
            model_name="servicerequest",
            index=models.Index(fields=["service", "lat"], name="reports_request_service_lat"),
        ),
    ]
