"""The seed catalogue's slugs, named once for every test module."""

IABAC = "iabac-ai-in-healthcare"
HARVARD = "harvard-ai-in-health-care"
JHU = "johns-hopkins-ai-in-healthcare"
CEDARS = "cedars-sinai-applied-ai-health-systems"
STANFORD = "stanford-ai-in-healthcare"
ABAIM = "abaim-board-certification"
ALL = [IABAC, HARVARD, JHU, CEDARS, STANFORD, ABAIM]
