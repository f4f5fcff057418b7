"""The local emulator's memory of transaction tokens (DynamoDB keeps one for ten minutes)."""

from local import dynamodb_transactions
from local.dynamodb_transactions import TOKEN_SECONDS, RequestTokens


def request(token, value="1"):
    return {"ClientRequestToken": token, "TransactItems": [{"Put": {"Item": {"v": {"N": value}}}}]}


def test_a_token_is_known_for_ten_minutes_from_when_it_was_last_remembered(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(dynamodb_transactions.time, "monotonic", lambda: now[0])
    tokens = RequestTokens()
    tokens.remember(request("first"))
    now[0] += 100
    tokens.remember(request("second"))
    assert tokens.already_done(request("first")) is True
    assert tokens.already_done(request("first", value="2")) is False  # same token, other items
    assert tokens.already_done(request("unknown")) is None

    now[0] += 100
    tokens.remember(request("first"))  # committed again: its ten minutes start again

    now[0] = 1000.0 + 100 + TOKEN_SECONDS + 1  # the second's ten minutes are over, not the first's
    assert tokens.already_done(request("second")) is None
    assert tokens.already_done(request("first")) is True
    now[0] = 1000.0 + 200 + TOKEN_SECONDS + 1
    assert tokens.already_done(request("first")) is None
