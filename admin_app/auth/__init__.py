"""Who may do what (permissions), on which records (scope), and the login pages."""
