"""Work orders: the verbs, the screens and the technician's phone page."""
