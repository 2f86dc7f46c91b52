"""The demo's words: service categories and sizes, people's names and locations."""

from __future__ import annotations

CATEGORIES = {
    "Hair": ["Cut", "Trim", "Blow-dry", "Colour", "Highlights", "Perm", "Braids", "Fade"],
    "Nails": ["Manicure", "Pedicure", "Gel polish", "Nail art", "Acrylics"],
    "Skin": ["Facial", "Peel", "Microdermabrasion", "Brow shape", "Lash lift"],
    "Massage": ["Swedish massage", "Deep tissue", "Hot stone", "Sports massage"],
    "Vehicle": ["Oil change", "Tyre swap", "Brake check", "Inspection", "Wheel alignment"],
    "Clinic": ["Consultation", "Follow-up", "Vaccination", "Blood test", "Check-up"],
}
SIZES = ["", "Express", "Deluxe", "Junior", "Senior", "Extended", "Mini", "Premium"]
FIRST = [
    "Ava",
    "Ben",
    "Chloe",
    "Dev",
    "Elena",
    "Farid",
    "Grace",
    "Hugo",
    "Isla",
    "Jonas",
    "Kemi",
    "Liam",
    "Maya",
    "Noah",
    "Olga",
    "Priya",
    "Quinn",
    "Rosa",
    "Sam",
    "Tariq",
]
LAST = [
    "Abbott",
    "Berg",
    "Chen",
    "Dubois",
    "Evans",
    "Fischer",
    "Garcia",
    "Haddad",
    "Ito",
    "Jensen",
    "Kowalski",
    "Lopez",
    "Murphy",
    "Nakamura",
    "Okafor",
    "Patel",
    "Rossi",
]
LOCATIONS = [
    "downtown",
    "harbour",
    "northside",
    "riverside",
    "old-town",
    "airport",
    "university",
    "west-end",
    "market",
    "hillcrest",
]
