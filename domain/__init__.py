"""Appointments and the service catalog: event-sourced aggregates and their rules."""
