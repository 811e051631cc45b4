

def test_every_page_declares_its_roles():
    """Pages live in a mounted sub-application, which the API's authorization walk does not
    see: each page must carry the same Allow(...) rule, except the sign-in page and "/"."""
    from api.deps import Allow
    from api.routes import pages

    public = {"/", "/login"}
    for route in pages.router.routes:
        rules = [d.call for d in route.dependant.dependencies if isinstance(d.call, Allow)]
        assert route.path in public or len(rules) == 1, route.path
