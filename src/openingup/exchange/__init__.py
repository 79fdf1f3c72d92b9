"""Wire formats only, no persistence: DCAT-AP RDF (Turtle, RDF/XML, JSON-LD), SHACL, schema.org."""
