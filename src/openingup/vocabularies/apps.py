from django.apps import AppConfig


class VocabulariesConfig(AppConfig):
    name = "openingup.vocabularies"
    label = "vocabularies"
    verbose_name = "Vocabularies"
