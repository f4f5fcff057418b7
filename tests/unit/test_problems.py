import json

from chalice import Response

from chalicelib.api.problems import finish, problem


def test_a_problem_has_the_rfc_9457_members_and_content_type():
    response = problem(422, "some fields are not right", errors=[{"field": "x", "detail": "y"}], language="en")
    body = json.loads(response.body)
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.headers["Content-Language"] == "en"
    assert body == {"type": "/problems/validation-error", "title": "The request has invalid fields", "status": 422,
                    "detail": "some fields are not right", "errors": [{"field": "x", "detail": "y"}]}
    indonesian = json.loads(problem(422, "some fields are not right").body)  # the default
    assert (indonesian["title"], indonesian["detail"]) == ("Ada isian permintaan yang tidak benar", "ada isian yang tidak benar")
    # A sentence the catalogue lacks is never passed on in another language: the title stands in.
    assert json.loads(problem(422, "not in the catalogue").body)["detail"] == "Ada isian permintaan yang tidak benar"


def test_errors_chalice_makes_itself_leave_as_problems_without_internals():
    chalice_500 = Response(body={"Code": "InternalServerError", "Message": "boom at line 3"}, status_code=500)
    answer = finish(chalice_500)
    body = json.loads(answer.body)
    assert answer.headers["Content-Type"] == "application/problem+json"
    assert body["status"] == 500 and "line 3" not in body["detail"]
    chalice_415 = Response(body={"Code": "UnsupportedMediaType", "Message": "Unsupported media type: text/plain"},
                           status_code=415, headers={"Allow": "POST"})
    assert json.loads(finish(chalice_415, "en-GB,en;q=0.9").body)["detail"] == "Unsupported media type: text/plain"
    chalice_415.headers["Content-Type"] = "application/json"
    assert json.loads(finish(chalice_415).body)["detail"] == "Jenis media tidak didukung: text/plain"


def test_every_answer_gets_the_security_headers():
    answer = finish(Response(body="{}", status_code=200, headers={"Content-Type": "application/json"}))
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["Cache-Control"] == "no-store"
