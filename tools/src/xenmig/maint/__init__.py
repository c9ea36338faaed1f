"""The maintainers' tools: regenerating the overlay, releases, git, the
reference page."""
