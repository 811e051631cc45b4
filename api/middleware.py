"""ASGI middleware."""


class CloseIfBodyUnread:
    """Answering before the request body is read (an upload refused early: too large, bad name,
    not signed in) leaves the rest of that body on the connection. Say `Connection: close`, so
    the client does not reuse a connection the server is about to drop."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or not _has_body(scope):
            await self.app(scope, receive, send)
            return
        finished = False

        async def tracked_receive():
            nonlocal finished
            message = await receive()
            if message["type"] == "http.disconnect" or not message.get("more_body", False):
                finished = True
            return message

        async def tracked_send(message) -> None:
            if message["type"] == "http.response.start" and not finished:
                headers = [*message.get("headers", []), (b"connection", b"close")]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, tracked_receive, tracked_send)


def _has_body(scope) -> bool:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            return value.strip() not in (b"", b"0")
        if name == b"transfer-encoding":
            return True
    return False
