"""The seed catalogue's slugs, named once for every test module."""

IABAC = "iabac-ai-in-healthcare"
HARVARD = "harvard-ai-in-health-care"
JHU = "johns-hopkins-ai-in-healthcare"
CEDARS = "cedars-sinai-applied-ai-health-systems"
STANFORD = "stanford-ai-in-healthcare"
ABAIM = "abaim-ai-in-medicine-certification"
ALL = [IABAC, HARVARD, JHU, CEDARS, STANFORD, ABAIM]

# A sentence that is word for word in the guide (document 1), for synthetic role fits citing it.
GUIDE_SENTENCE = "The credential has to match the domain."
