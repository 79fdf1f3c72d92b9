"""EU authority tables and IANA media types as data, with labels in every UI language."""
