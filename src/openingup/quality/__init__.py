"""Metadata quality: MQA scores, link checks, DQV export and HVD compliance (see DESIGN.md)."""
