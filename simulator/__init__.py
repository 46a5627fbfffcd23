"""supplyshock."""
