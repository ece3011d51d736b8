"""The guided method: steps, agenda and timings, and the generators that turn the catalogue's
guide texts into notebooks and workshop materials, so the two never disagree."""
