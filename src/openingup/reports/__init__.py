"""Citizen reports: Open311 services and requests, workflow, routing and service levels."""
