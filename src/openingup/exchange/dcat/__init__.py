"""DCAT-AP 3.0.1 on the wire: one property table drives serialisers and the parser alike."""
