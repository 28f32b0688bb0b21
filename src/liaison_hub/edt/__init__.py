"""Emerging and disruptive technologies: a shared watch with readiness history, signals, projects and a radar."""
