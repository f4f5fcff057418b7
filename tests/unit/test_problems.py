import json

from chalice import Response

from chalicelib.api.problems import finish, problem


def test_a_problem_has_the_rfc_9457_members_and_content_type():
    response = problem(422, "bad", errors=[{"field": "x", "detail": "y"}])
    body = json.loads(response.body)
    assert response.headers["Content-Type"] == "application/problem+json"
    assert body == {"type": "/problems/validation-error", "title": "The request has invalid fields", "status": 422,
                    "detail": "bad", "errors": [{"field": "x", "detail": "y"}]}


def test_errors_chalice_makes_itself_leave_as_problems_without_internals():
    chalice_500 = Response(body={"Code": "InternalServerError", "Message": "boom at line 3"}, status_code=500)
    answer = finish(chalice_500)
    body = json.loads(answer.body)
    assert answer.headers["Content-Type"] == "application/problem+json"
    assert body["status"] == 500 and "line 3" not in body["detail"]
    unsupported = finish(Response(body={"Code": "UnsupportedMediaType", "Message": "Unsupported media type: text/plain"},
                                  status_code=415, headers={"Allow": "POST"}))
    assert json.loads(unsupported.body)["detail"] == "Unsupported media type: text/plain"


def test_every_answer_gets_the_security_headers():
    answer = finish(Response(body="{}", status_code=200, headers={"Content-Type": "application/json"}))
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["Cache-Control"] == "no-store"
