"""US states for the preview body, which takes only a two-letter ``stateAlpha2``."""

from __future__ import annotations

# ISO 3166-2:US codes (without "US-") and names: states, DC and outlying areas.
US_STATES: dict[str, str] = {
    "AK": "Alaska",
    "AL": "Alabama",
    "AR": "Arkansas",
    "AS": "American Samoa",
    "AZ": "Arizona",
    "CA": "California",
    "CO": "Colorado",
    "CT": "Connecticut",
    "DC": "District of Columbia",
    "DE": "Delaware",
    "FL": "Florida",
    "GA": "Georgia",
    "GU": "Guam",
    "HI": "Hawaii",
    "IA": "Iowa",
    "ID": "Idaho",
    "IL": "Illinois",
    "IN": "Indiana",
    "KS": "Kansas",
    "KY": "Kentucky",
    "LA": "Louisiana",
    "MA": "Massachusetts",
    "MD": "Maryland",
    "ME": "Maine",
    "MI": "Michigan",
    "MN": "Minnesota",
    "MO": "Missouri",
    "MP": "Northern Mariana Islands",
    "MS": "Mississippi",
    "MT": "Montana",
    "NC": "North Carolina",
    "ND": "North Dakota",
    "NE": "Nebraska",
    "NH": "New Hampshire",
    "NJ": "New Jersey",
    "NM": "New Mexico",
    "NV": "Nevada",
    "NY": "New York",
    "OH": "Ohio",
    "OK": "Oklahoma",
    "OR": "Oregon",
    "PA": "Pennsylvania",
    "PR": "Puerto Rico",
    "RI": "Rhode Island",
    "SC": "South Carolina",
    "SD": "South Dakota",
    "TN": "Tennessee",
    "TX": "Texas",
    "UM": "United States Minor Outlying Islands",
    "UT": "Utah",
    "VA": "Virginia",
    "VI": "Virgin Islands, U.S.",
    "VT": "Vermont",
    "WA": "Washington",
    "WI": "Wisconsin",
    "WV": "West Virginia",
    "WY": "Wyoming",
}
_CODE_BY_NAME = {name.casefold(): code for code, name in US_STATES.items()}


def us_state_code(value: str) -> str:
    """The two-letter code for "CA", "US-CA" or "California"; ``""`` when not a US state.

    >>> us_state_code("US-ca"), us_state_code(" California "), us_state_code("Bavaria")
    ('CA', 'CA', '')
    """
    text = value.strip()
    upper = text.upper()
    if upper.startswith("US-"):
        upper = upper[3:]
    if upper in US_STATES:
        return upper
    return _CODE_BY_NAME.get(text.casefold(), "")
