"""Widget keys of the Home page's cards (tests find the buttons by them)."""

OWN_NETWORK = "home_own_network"  # "Your own network": open Design with the current network


def preset_key(preset: str) -> str:
    """Key of the card's button that loads ``preset`` and opens the page it suits."""
    return f"home_preset_{preset}"
