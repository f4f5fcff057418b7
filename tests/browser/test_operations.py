"""Ops at work in the browser, over the local stack: the finance registry (its stand-in) refuses a
day's balance, ops find the failed send with the registry's exact answer, the stand-in accepts
again and ops re-run the day from the record's page until it is sent; the queues page counts a
dead letter and a redrive moves it back; the schedules page shows a function's last run."""

from __future__ import annotations

import json
import random
import re
from datetime import datetime, timedelta, timezone

import boto3
import requests
from playwright.sync_api import expect

from local.stack import REGION
from tests.browser.conftest import check_accessibility, demo, fact, login
from tests.support import eventually

WIB = timezone(timedelta(hours=7))


def standin(stack) -> str:
    return f"http://127.0.0.1:{stack.ports['REGISTRY_STANDIN_PORT']}"


def a_refused_balance(stack, http) -> tuple[str, str]:
    """Finance staff enter yesterday's balance of an account the stand-in refuses; ops run the
    day's push, and the record ends failed. Answers (the day, the record's key)."""
    account = f"9{random.randrange(10**9):09d}"
    day = (datetime.now(WIB).date() - timedelta(days=1)).isoformat()
    faults = requests.post(f"{standin(stack)}/_standin/faults", timeout=5,
                           json={"target": "bios", "reject_where": {"no_rekening": account}})
    assert faults.status_code == 200
    finance = http.login(demo("keuangan"))
    entered = http.put(f"/finance/org-demo/balances/operasional/{day}",
                       {"kdbank": "BRI", "no_rekening": account, "saldo_akhir": 125_000_000}, token=finance)
    assert entered.status == 200, entered.text
    ops = http.login(demo("ops"))
    assert http.post("/integrations/bios/run", {"date": day}, token=ops).status == 202

    def failed():
        items = http.get(f"/integrations/sends?target=bios&status=failed&date={day}", token=ops).json["items"]
        return [item for item in items if item["key"].endswith(account)]

    [record] = eventually(failed, what="the refused balance's send failing")
    return day, record["key"]


def test_ops_find_a_refused_send_with_the_registrys_answer_and_rerun_its_day_until_it_is_sent(
        open_page, stack, http):
    day, key = a_refused_balance(stack, http)
    page = open_page()
    login(page, demo("ops"))
    page.get_by_role("navigation", name="Navigasi utama").get_by_role("link", name="Operasi").click()
    expect(page.get_by_role("heading", level=1, name="Log pengiriman")).to_be_visible()
    check_accessibility(page)

    # The filters go into the address: failed sends of the finance registry on that day.
    page.get_by_label("Tujuan", exact=True).select_option("bios")
    page.get_by_label("Status", exact=True).select_option("failed")
    page.get_by_label("Tanggal data", exact=True).fill(day)
    page.get_by_role("button", name="Terapkan").click()
    expect(page).to_have_url(re.compile(rf"/ops/sends\?(?=.*target=bios)(?=.*status=failed)(?=.*date={day})"))
    table = page.get_by_role("table", name="Catatan yang dikirim ke registri, hari terbaru dahulu")
    row = table.get_by_role("row").filter(has_text=key)
    expect(row).to_contain_text("gagal")
    expect(row).to_contain_text("MSG40001")
    check_accessibility(page)

    # The record's page: the registry's exact answer to the refused post.
    row.get_by_role("link", name=f"Buka catatan {key}").click()
    expect(page.get_by_role("heading", level=1, name=f"Catatan {key}")).to_be_visible()
    expect(fact(page, "Status")).to_have_text("gagal")
    answers = page.get_by_role("table", name="Setiap pengiriman dan jawaban registri apa adanya, terbaru dahulu")
    refused = answers.get_by_role("row").nth(1)
    expect(refused).to_contain_text("ditolak")
    expect(refused).to_contain_text("200")
    expect(refused).to_contain_text("MSG40001")
    account = key.rsplit(":", 1)[-1]
    body = json.loads(refused.locator("pre").inner_text())
    assert body == {"status": "MSG40001", "message": f"data ditolak: no_rekening={account}"}
    check_accessibility(page)

    # The stand-in accepts again; ops re-run the day from the page until the record is sent.
    assert requests.delete(f"{standin(stack)}/_standin/faults", timeout=5).status_code == 200
    page.get_by_role("button", name=re.compile(r"^Jalankan ulang hari ")).click()
    expect(page.get_by_role("status").filter(has_text="dijadwalkan untuk dikirim")).to_be_visible()
    expect(fact(page, "Status")).to_have_text("terkirim", timeout=60_000)
    saved = answers.get_by_role("row").nth(1)
    expect(saved).to_contain_text("tersimpan")
    expect(saved).to_contain_text("MSG20003")
    expect(answers.get_by_role("row")).to_have_count(3)  # the header, the saving post, the refused one
    expect(page.get_by_role("button", name=re.compile(r"^Jalankan ulang hari "))).to_have_count(0)
    check_accessibility(page)


def test_ops_see_a_dead_letter_counted_and_redrive_it_and_see_each_schedules_last_run(open_page, stack, http):
    sqs = boto3.client("sqs", region_name=REGION, endpoint_url=f"http://127.0.0.1:{stack.ports['AWS_EMULATOR_PORT']}",
                       aws_access_key_id="local", aws_secret_access_key="local")
    dead = sqs.get_queue_url(QueueName="satupintu-integrations-dlq")["QueueUrl"]
    # A run job the integration function gave up on (harmless to run again: nothing is due).
    sqs.send_message(QueueUrl=dead, MessageBody=json.dumps({"type": "run", "target": "civil-registry"}))

    page = open_page()
    login(page, demo("ops"))
    page.goto(page.web + "/ops/queues")
    expect(page.get_by_role("heading", level=1, name="Antrean")).to_be_visible()
    table = page.get_by_role("table", name="Antrean dan antrean surat mati (perkiraan SQS)")
    row = table.get_by_role("row").filter(has_text="satupintu-integrations-dlq")
    expect(row.get_by_role("cell").nth(2)).to_contain_text("1")  # the dead letters' column (after the name's header)
    expect(page.get_by_role("heading", level=2, name="Notifikasi gagal")).to_be_visible()
    check_accessibility(page)

    row.get_by_role("button", name="Kirim ulang surat mati integrations").click()
    expect(page.get_by_role("status").filter(has_text="1 pesan integrations dikembalikan ke antreannya; tersisa 0.")) \
        .to_be_visible()
    left = sqs.get_queue_attributes(QueueUrl=dead, AttributeNames=["ApproximateNumberOfMessages"])["Attributes"]
    assert left["ApproximateNumberOfMessages"] == "0"
    expect(row.get_by_role("button", name="Kirim ulang surat mati integrations")).to_be_disabled()
    check_accessibility(page)

    # A scheduled function run now (as its schedule would) shows on the schedules page.
    assert http.post("/_local/schedules/relay_outbox").status == 200
    page.get_by_role("navigation", name="Bagian operasi").get_by_role("link", name="Fungsi terjadwal").click()
    expect(page.get_by_role("heading", level=1, name="Fungsi terjadwal")).to_be_visible()
    schedules = page.get_by_role("table", name="Setiap fungsi terjadwal dan jalannya yang terakhir")
    relay = schedules.get_by_role("row").filter(has_text="relay_outbox")
    expect(relay).to_contain_text("rate(5 minutes)")
    expect(relay).to_contain_text("berhasil")
    expect(relay).not_to_contain_text("belum pernah jalan")
    expect(schedules.get_by_role("row")).to_have_count(7)  # the header and six functions
    check_accessibility(page)
