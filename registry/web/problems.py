"""Error pages: what went wrong, in the reader's language, with the right status."""

from __future__ import annotations

from flask import current_app, render_template
from flask_babel import gettext
from werkzeug.exceptions import HTTPException


def problem_page(error: HTTPException):
    """A page for an HTTP error of the site (the API answers with its JSON envelope)."""
    status = error.code or 500
    messages = {
        400: gettext("The request was not understood (%(reason)s).",
                     reason=error.description),
        403: gettext("Your account may not see or do this."),
        404: gettext("There is nothing at this address."),
        405: gettext("This address does not accept that kind of request."),
        413: gettext("The file is larger than the %(size).1f MiB limit.",
                     size=(current_app.config.get("MAX_CONTENT_LENGTH") or 0) / 1_048_576),
    }
    message = messages.get(status, error.description or error.name)
    response = current_app.make_response((render_template("problem.html", status=status,
                                                          title=error.name,
                                                          message=message), status))
    for name, value in error.get_headers():  # Allow of a 405, Retry-After of a 429...
        if name.lower() != "content-type":
            response.headers[name] = value
    return response
