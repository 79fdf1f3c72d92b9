"""The citizen's reporting app: the start page and form, confirmation, tracking, following, photos,
the satisfaction question, and the small JSON lookups the form's script uses."""
