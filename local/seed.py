"""Demo data for every program: the org tree, staff holding each role the steps need, one
verified applicant, and a few applications already on their way. Written through the same
stores and services the API uses; the accounts and offices are listed at /_local/demo.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from chalicelib.domain.application_state import Origin
from chalicelib.domain.org import Node
from chalicelib.domain.people import Grant, Principal, User

DEMO_PASSWORD = "satupintu-demo"
DOMAIN = "demo.satupintu.id"

# (id, kind, name, parent, region code)
TREE = [
    ("org-demo", "org", "satupintu (demo)", None, None),
    # dam safety agency
    ("dam-agency", "agency", "Direktorat Bendungan dan Danau", "org-demo", None),
    ("dam-division", "division", "Balai Teknik Bendungan", "dam-agency", None),
    ("dam-desk", "desk", "Loket Perizinan Bendungan", "dam-division", None),
    # city: the civil-registry chain and the one-stop permit office
    ("kota-depok", "kota", "Kota Depok", "org-demo", "32.76"),
    ("kec-beji", "kecamatan", "Kecamatan Beji", "kota-depok", "32.76.06"),
    ("kel-kukusan", "kelurahan", "Kelurahan Kukusan", "kec-beji", "32.76.06.1002"),
    ("kel-pondok-cina", "kelurahan", "Kelurahan Pondok Cina", "kec-beji", "32.76.06.1005"),
    ("dpmptsp-depok", "office", "DPMPTSP Kota Depok", "kota-depok", None),
    ("dpmptsp-permits", "department", "Bidang Pelayanan Perizinan", "dpmptsp-depok", None),
    ("dpmptsp-front-office", "desk", "Front Office DPMPTSP", "dpmptsp-permits", None),
    # telecom sales territories
    ("area-jabo-jabar", "area", "Area Jabotabek Jabar", "org-demo", None),
    ("region-jabotabek-selatan", "region", "Region Jabotabek Selatan", "area-jabo-jabar", None),
    ("branch-depok", "branch", "Branch Depok", "region-jabotabek-selatan", None),
    ("cluster-depok-utara", "cluster", "Cluster Depok Utara", "branch-depok", None),
    ("cluster-depok-selatan", "cluster", "Cluster Depok Selatan", "branch-depok", None),
]

# (e-mail local part, name, [(role, node)])
STAFF = [
    ("admin", "Admin satupintu", [("admin", "org-demo"), ("viewer", "org-demo")]),
    ("ops", "Operator integrasi", [("ops", "org-demo")]),
    # the unit's figures for the finance registry: daily balances, staff counts
    ("keuangan", "Bendahara Keuangan", [("finance", "org-demo")]),
    ("kepegawaian", "Staf Kepegawaian", [("hr", "org-demo")]),
    # dam permits: completeness → technical review → head of agency
    ("loket.bendungan", "Rina Loket Bendungan", [("verifier", "dam-desk")]),
    ("teknis.bendungan", "Bayu Balai Teknik", [("verifier", "dam-division")]),
    ("direktur.bendungan", "Ir. Hendra Direktur", [("approver", "dam-agency"), ("viewer", "dam-agency")]),
    # the dam register: its registrar, the dams' operator (daily readings) and inspector
    ("registrasi.bendungan", "Sari Registrasi Bendungan", [("dam_registrar", "dam-division")]),
    ("operator.bendungan", "Joko Operator Bendungan", [("dam_operator", "dam-division")]),
    ("inspektur.bendungan", "Wati Inspektur Bendungan", [("dam_inspector", "dam-division")]),
    # civil registry: kelurahan verifier → kecamatan approver → kota approver
    ("petugas.kukusan", "Siti Petugas Kukusan", [("submitter", "kel-kukusan")]),
    ("verifikator.kukusan", "Dedi Verifikator Kukusan", [("verifier", "kel-kukusan")]),
    ("petugas.pondokcina", "Tono Petugas Pondok Cina", [("submitter", "kel-pondok-cina")]),
    ("verifikator.pondokcina", "Yuni Verifikator Pondok Cina", [("verifier", "kel-pondok-cina")]),
    ("camat.beji", "Camat Beji", [("approver", "kec-beji")]),
    ("disdukcapil.depok", "Kepala Disdukcapil Depok", [("approver", "kota-depok"), ("viewer", "kota-depok")]),
    # city permits: front office → permits department → head of office
    ("fo.dpmptsp", "Lina Front Office", [("verifier", "dpmptsp-front-office")]),
    ("teknis.dpmptsp", "Agus Bidang Perizinan", [("verifier", "dpmptsp-permits")]),
    ("kepala.dpmptsp", "Kepala DPMPTSP", [("approver", "dpmptsp-depok")]),
    # marketing fee, the organisation's own table: SBP clusters request budget and report; the
    # area adds the budget; the region recommends it (by category and office); evidence is
    # approved by the branch manager, MCOT and the region; GM SBP views
    ("cluster.utara", "Staf SBP Cluster Depok Utara", [("submitter", "cluster-depok-utara")]),
    ("cluster.selatan", "Staf SBP Cluster Depok Selatan", [("submitter", "cluster-depok-selatan")]),
    ("branch.depok", "Branch Manager Depok", [("approver", "branch-depok"), ("viewer", "branch-depok")]),
    ("mcot.jabotabek", "MCOT Region Jabotabek Selatan", [("mcot", "region-jabotabek-selatan")]),
    ("region.jabotabek", "Manajer Region Jabotabek Selatan", [("budget_recommender", "region-jabotabek-selatan"),
                                                             ("approver", "region-jabotabek-selatan"),
                                                             ("viewer", "region-jabotabek-selatan")]),
    ("area.jabar", "Manajer Area Jabotabek Jabar", [("budget_allocator", "area-jabo-jabar"), ("viewer", "area-jabo-jabar")]),
    ("gm.sbp", "GM SBP Area Jabotabek Jabar", [("gm_sbp", "area-jabo-jabar")]),
    # the regulations library: adds and amends entries, uploads their PDFs
    ("pustakawan", "Pustakawan JDIH Bendungan", [("librarian", "org-demo")]),
]
# Real dams with their public facts (sources: docs/DATA.md, "Demo data"), managed by the dam
# division. Coordinates are approximate; the level thresholds are illustrative, set from each
# reservoir's normal and flood water levels where published, not the operators' own figures.
DEMO_DAMS = [
    {"name": "Bendungan Ir. H. Djuanda (Jatiluhur)", "register_code": "BDG-32.14-001", "river_basin": "Citarum",
     "location": {"province_code": "32", "regency_code": "32.14", "district_code": "32.14.03", "lat": -6.522,
                  "lon": 107.389},
     "type": "rockfill", "height_m": 105, "crest_length_m": 1220, "reservoir_volume_m3": 2_448_000_000,
     "catchment_km2": 4500, "purposes": ["irrigation", "water_supply", "hydropower", "flood_control", "fisheries",
                                         "tourism"],
     "hazard_class": "very_high", "year_completed": 1967, "status": "operating", "monitoring_every": "month",
     "thresholds": {"level_m": {"waspada": 107.0, "siaga": 109.5, "awas": 111.6}}},
    {"name": "Bendungan Jatigede", "register_code": "BDG-32.11-001", "river_basin": "Cimanuk-Cisanggarung",
     "location": {"province_code": "32", "regency_code": "32.11", "district_code": "32.11.26", "lat": -6.859,
                  "lon": 108.099},
     "type": "rockfill", "height_m": 110, "reservoir_volume_m3": 979_500_000,
     "purposes": ["irrigation", "water_supply", "hydropower", "flood_control"], "hazard_class": "very_high",
     "year_completed": 2015, "status": "operating", "monitoring_every": "month",
     "thresholds": {"level_m": {"waspada": 260.0, "siaga": 261.0, "awas": 262.0}}},
    {"name": "Bendungan Karian", "register_code": "BDG-36.02-001", "river_basin": "Cidanau-Ciujung-Cidurian",
     "location": {"province_code": "36", "regency_code": "36.02", "district_code": "36.02.14", "lat": -6.42,
                  "lon": 106.23},
     "type": "rockfill", "height_m": 63.5, "crest_length_m": 516, "reservoir_volume_m3": 314_700_000,
     "purposes": ["irrigation", "water_supply", "hydropower", "flood_control"], "hazard_class": "high",
     "year_completed": 2024, "status": "operating", "monitoring_every": "quarter", "thresholds": {}},
    # The Citarum cascade's two hydropower dams upstream of Jatiluhur (Saguling, then Cirata).
    {"name": "Bendungan Saguling", "register_code": "BDG-32.17-001", "river_basin": "Citarum",
     "location": {"province_code": "32", "regency_code": "32.17", "district_code": "32.17.16", "lat": -6.913,
                  "lon": 107.366},
     "type": "rockfill", "height_m": 97.5, "crest_length_m": 301, "reservoir_volume_m3": 875_000_000,
     "catchment_km2": 2283, "purposes": ["hydropower", "water_supply", "fisheries", "tourism"],
     "hazard_class": "very_high", "year_completed": 1986, "status": "operating", "monitoring_every": "month",
     "thresholds": {"level_m": {"waspada": 645.0, "siaga": 647.0, "awas": 649.0}}},
    {"name": "Bendungan Cirata", "register_code": "BDG-32.14-002", "river_basin": "Citarum",
     "location": {"province_code": "32", "regency_code": "32.14", "district_code": "32.14.08", "lat": -6.701,
                  "lon": 107.367},
     "type": "rockfill", "height_m": 125, "crest_length_m": 453, "reservoir_volume_m3": 2_165_000_000,
     "catchment_km2": 4119, "purposes": ["hydropower", "flood_control", "fisheries", "tourism"],
     "hazard_class": "very_high", "year_completed": 1988, "status": "operating", "monitoring_every": "month",
     "thresholds": {"level_m": {"waspada": 219.5, "siaga": 220.5, "awas": 221.5}}},
]

# A few weeks of daily readings up to yesterday for the dams named here: generated, not
# measured (docs/DATA.md), every level below its dam's waspada threshold so the seed raises no
# alert. (register code: level the weeks start from, its daily fall in the dry spell, inflow m³/s)
DEMO_READING_DAYS = 28
DEMO_READINGS = {"BDG-32.17-001": (642.6, 0.06, 48.0), "BDG-32.14-002": (217.9, 0.05, 62.0)}

APPLICANT = ("warga", "Budi Santoso (pemohon)")

# The civil-registry offices' working hours (WIB) and the national holidays and collective leave
# ahead: their two-hour standard counts these, and every SLA of the city's offices. Set at the
# city (the Disdukcapil's step and the one-stop permit office follow it) and at the kecamatan,
# whose kelurahan follow it (GET /org/nodes/{id}/calendar).
OFFICE_WEEK = {day: [["08:00", "16:00"]] for day in ("mon", "tue", "wed", "thu")} | {"fri": [["08:00", "16:30"]]}
HOLIDAYS = [
    ("2026-12-24", "Cuti bersama Hari Raya Natal"), ("2026-12-25", "Hari Raya Natal"),
    ("2027-01-01", "Tahun Baru 2027 Masehi"), ("2027-03-10", "Hari Raya Idul Fitri 1448 H"),
    ("2027-03-11", "Hari Raya Idul Fitri 1448 H"), ("2027-03-26", "Wafat Yesus Kristus"),
    ("2027-05-01", "Hari Buruh Internasional"), ("2027-05-06", "Kenaikan Yesus Kristus"),
    ("2027-06-01", "Hari Lahir Pancasila"), ("2027-08-17", "Hari Kemerdekaan Republik Indonesia"),
    ("2027-12-25", "Hari Raya Natal"),
]
CITY_CALENDAR = {"zone": "WIB", "week": OFFICE_WEEK, "holidays": [{"date": d, "name": n} for d, n in HOLIDAYS]}
CALENDARS = {"kota-depok": CITY_CALENDAR, "kec-beji": CITY_CALENDAR}

# The regulations library: real acts on dams and water resources, their numbers, years and titles
# as published (sources: docs/DATA.md, "Demo data"); a day enacted only where it was checked.
# The dam services cite them by these ids (catalog "cites"). (id, fields)
REGULATIONS = [
    ("reg_uu-11-1974", {"type": "law", "number": "11", "year": 1974, "title": "Pengairan",
                        "topics": ["sumber daya air"], "summary": "Undang-undang pengairan yang berlaku kembali "
                        "setelah UU 7/2004 dibatalkan Mahkamah Konstitusi; diganti UU 17/2019."}),
    ("reg_uu-7-2004", {"type": "law", "number": "7", "year": 2004, "title": "Sumber Daya Air", "status": "revoked",
                       "topics": ["sumber daya air"], "summary": "Dibatalkan seluruhnya oleh Mahkamah Konstitusi "
                       "pada 2015."}),
    ("reg_uu-17-2019", {"type": "law", "number": "17", "year": 2019, "title": "Sumber Daya Air",
                        "enacted_on": "2019-10-15", "topics": ["sumber daya air", "bendungan"],
                        "summary": "Pengelolaan sumber daya air: konservasi, pendayagunaan dengan perizinan, "
                        "pengendalian daya rusak air, sistem informasi dan kelembagaan.",
                        "revokes": ["reg_uu-11-1974", "reg_uu-7-2004"]}),
    ("reg_pp-37-2010", {"type": "government_regulation", "number": "37", "year": 2010, "title": "Bendungan",
                        "topics": ["bendungan", "keamanan bendungan"],
                        "summary": "Pembangunan dan pengelolaan bendungan beserta waduknya, keamanan bendungan, "
                        "izin pelaksanaan konstruksi, pengisian awal waduk, operasi dan penghapusan bendungan."}),
    ("reg_pp-121-2015", {"type": "government_regulation", "number": "121", "year": 2015,
                         "title": "Pengusahaan Sumber Daya Air", "topics": ["sumber daya air"]}),
    ("reg_permen-pupr-27-2015", {"type": "ministerial_regulation", "number": "27/PRT/M/2015", "year": 2015,
                                 "title": "Bendungan", "topics": ["bendungan", "keamanan bendungan"],
                                 "summary": "Peraturan Menteri Pekerjaan Umum dan Perumahan Rakyat: konsepsi "
                                 "keamanan bendungan (keamanan struktur; operasi, pemeliharaan dan pemantauan; "
                                 "kesiapsiagaan tindak darurat)."}),
    ("reg_sni-03-1731-1989", {"type": "standard", "number": "SNI 03-1731-1989", "year": 1989,
                              "title": "Tata Cara Keamanan Bendungan", "topics": ["keamanan bendungan"]}),
    ("reg_sni-03-3432-1994", {"type": "standard", "number": "SNI 03-3432-1994", "year": 1994,
                              "title": "Tata cara penetapan banjir desain dan kapasitas pelimpah untuk bendungan",
                              "topics": ["banjir desain", "pelimpah"]}),
    ("reg_sni-3432-2020", {"type": "standard", "number": "SNI 3432:2020", "year": 2020,
                           "title": "Tata cara penetapan banjir desain dan kapasitas pelimpah untuk bendungan",
                           "topics": ["banjir desain", "pelimpah"], "revokes": ["reg_sni-03-3432-1994"]}),
    ("reg_pedoman-kkb-2003", {"type": "guideline", "number": "05/KPTS/2003", "year": 2003,
                              "title": "Pedoman Kajian Keamanan Bendungan, Pedoman Kriteria Umum Desain Bendungan, "
                              "Pedoman Inspeksi dan Evaluasi Keamanan Bendungan",
                              "topics": ["keamanan bendungan", "inspeksi"],
                              "summary": "Keputusan Direktur Jenderal Sumber Daya Air selaku Ketua Komisi Keamanan "
                              "Bendungan, Maret 2003."}),
]

# The offices' published contact details (demo addresses and numbers, not real ones).
CONTACTS = {
    "dam-agency": {"address": "Jl. Pattimura No. 20, Kebayoran Baru, Jakarta Selatan (demo)",
                   "email": "bendungan@demo.satupintu.id", "phone": "+62 21 0000 0001",
                   "hours": "Senin-Jumat 08.00-16.00 WIB"},
    "dpmptsp-depok": {"address": "Jl. Margonda Raya No. 54, Depok (demo)", "email": "dpmptsp@demo.satupintu.id",
                      "phone": "+62 21 0000 0002", "hours": "Senin-Jumat 08.00-15.00 WIB"},
    "kec-beji": {"address": "Kantor Kecamatan Beji, Depok (demo)", "email": "beji@demo.satupintu.id",
                 "phone": "+62 21 0000 0003", "hours": "Senin-Kamis 08.00-16.00, Jumat 08.00-16.30 WIB"},
}


def seed_demo(manifest_path: Path, sample_applications: bool = True) -> dict:
    """The demo organisation, its accounts and subscription, and (unless told not to) a few
    applications on their way. The tests seed every module's world without the samples: each
    test makes the applications it reads, and the samples' scans, PDFs and mail cost seconds."""
    from chalicelib.deps import container

    deps = container()
    now = deps.clock.now()
    nodes: dict[str, Node] = {}
    for node_id, kind, name, parent, region in TREE:
        parent_node = nodes.get(parent) if parent else None
        node = Node(
            id=node_id, kind=kind, name=name, parent_id=parent,
            path=(parent_node.path if parent_node else ()) + (node_id,),
            path_kinds=(parent_node.path_kinds if parent_node else ()) + (kind,),
            region_code=region,
        )
        deps.org_store.create(node, now)
        nodes[node_id] = node

    password_hash = deps.password_hasher.hash(DEMO_PASSWORD)
    accounts = []
    users: dict[str, User] = {}
    for local_part, name, roles in STAFF + [(APPLICANT[0], APPLICANT[1], [])]:
        grants = tuple(Grant(role, node) for role, node in roles)
        user = User(id=f"usr_demo_{local_part.replace('.', '_')}", email=f"{local_part}@{DOMAIN}", name=name,
                    language="id", status="active", password_hash=password_hash, created_at=now, grants=grants)
        deps.users.create(user, None, grants, granted_by="seed")
        users[local_part] = user
        accounts.append({"email": user.email, "name": name, "roles": [{"role": r, "node_id": n} for r, n in roles]})

    for node_id, calendar in CALENDARS.items():
        deps.org.set_calendar(_principal(users["admin"]), node_id, calendar)
    _library(deps, users)
    subscription = _demo_subscription(deps, users)
    registrar = _principal(users["registrasi.bendungan"])
    dams = {}
    for dam in DEMO_DAMS:
        dams[dam["register_code"]] = deps.assets.register(registrar, {"node_id": "dam-division", "year_completed": None} | dam)
        if dam["register_code"] in DEMO_READINGS:
            _demo_readings(deps, users, dams[dam["register_code"]].id, *DEMO_READINGS[dam["register_code"]])
    if sample_applications:
        _sample_applications(deps, users)
        _dam_obligations(deps, users, dams)
        _library_placeholders(deps)

    manifest = {
        "password": DEMO_PASSWORD,
        "accounts": accounts,
        "subscription": subscription,
        "nodes": [{"id": n.id, "kind": n.kind, "name": n.name, "parent_id": n.parent_id} for n in nodes.values()],
    }
    manifest_path.parent.mkdir(parents=True, exist_ok=True)
    manifest_path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
    return manifest


def _demo_readings(deps, users: dict[str, User], dam_id: str, level: float, fall: float, inflow: float) -> None:
    """The dam's last DEMO_READING_DAYS days up to yesterday (the org's day), entered as the
    demo's operator imports a CSV file: the same checks and the same one transaction as any."""
    import math

    today = deps.clock.now().astimezone(deps.settings.org_timezone).date()
    rows = ["date,level_m,inflow_m3s,outflow_m3s,rainfall_mm,seepage_ls"]
    for back in range(DEMO_READING_DAYS, 0, -1):
        n = DEMO_READING_DAYS - back
        rain = round(max(0.0, 18 * math.sin(n * 1.3)), 1)  # a shower every few days
        rows.append(f"{today - timedelta(days=back)},{level - fall * n + rain / 100:.2f},{inflow + rain:.1f},"
                    f"{inflow * 1.2:.1f},{rain},{4.2 + rain / 50:.2f}")
    deps.assets.import_readings(_principal(users["operator.bendungan"]), dam_id, "\n".join(rows) + "\n")


def _demo_subscription(deps, users: dict[str, User]) -> dict | None:
    """Every application event of the demo organisation, posted signed to the stand-ins'
    subscriber (when they run): ops see the deliveries in the send log, and the secret is here
    to check a signature with (local stage only)."""
    import os

    url = os.environ.get("DEMO_SUBSCRIBER_URL")
    if not url:
        return None
    from chalicelib.domain.subscriptions import EVENTS

    sub, secret = deps.subscriptions.create(_principal(users["admin"]), url, list(EVENTS), "org-demo",
                                            "demo: every event, to the local stand-in")
    return {"id": sub.id, "url": url, "secret": secret}


def _library(deps, users: dict[str, User]) -> None:
    """The regulations library's real entries (each with a generated placeholder PDF, marked as
    such, uploaded and scanned as any) and the offices' contacts."""
    librarian = _principal(users["pustakawan"])
    for entry_id, fields in REGULATIONS:
        deps.library.create(librarian, fields, entry_id=entry_id)
    for node_id, contact in CONTACTS.items():
        deps.contacts.set_contact(_principal(users["admin"]), node_id, contact)


def _library_placeholders(deps) -> None:
    """A generated one-page PDF per entry, saying on its face that it is a placeholder and not the
    official text (which the JDIH publishes): downloads and the PDF-text search have something to show."""
    from fpdf import FPDF

    from chalicelib.adapters import aws

    for entry_id, fields in REGULATIONS:
        page = FPDF()
        page.add_page()
        page.set_font("helvetica", size=12)
        page.multi_cell(0, 8, text=f"CONTOH (PLACEHOLDER) - BUKAN NASKAH RESMI\n\n{fields['number']} ({fields['year']})\n"
                                   f"{fields['title']}\n\nDokumen ini dibuat oleh data demo satupintu. Naskah resmi "
                                   "diterbitkan oleh JDIH instansi penerbitnya.\nDemo placeholder, not the official text.")
        data = bytes(page.output())
        document, post = deps.library.request_document(_principal_of(deps, "pustakawan"), entry_id,
                                                       f"{entry_id}-placeholder.pdf", len(data))
        key = post["fields"]["key"]
        stored = aws.client(deps.settings, "s3").put_object(Bucket=deps.settings.uploads_bucket, Key=key, Body=data,
                                                            ContentType="application/pdf")
        deps.library.scan(key, stored["ETag"].strip('"'), stored.get("VersionId"))


def _principal_of(deps, local_part: str) -> Principal:
    user = deps.users.get(f"usr_demo_{local_part.replace('.', '_')}")
    return _principal(user)


def _principal(user: User) -> Principal:
    return Principal(user_id=user.id, email=user.email, name=user.name, language=user.language, grants=user.grants)


def _sample_applications(deps, users: dict[str, User]) -> None:
    """A few applications on their way, so inboxes and lists are not empty on first look."""
    origin = Origin(source_ip="127.0.0.1", user_agent="demo seed")
    service = deps.applications
    clerk = _principal(users["petugas.kukusan"])
    move = service.create(clerk, "civil-move-report", "kel-kukusan", {
        "head_of_family_nik": "3276061708850003",
        "head_of_family_name": "Ahmad Hidayat",
        "family_card_number": "3276060101090007",
        "move_type": "Antar kabupaten/kota",
        "reason": "Pekerjaan",
        "destination_address": "Jl. Merdeka No. 10, RT 002/RW 004, Kelurahan Babakan, Kota Bogor",
        "destination_region": "32.71.01",
        "members_moving": 3,
        "move_date": "2026-12-01",
        "reporter_nik": "3276061708850003",
        "reporter_name": "Ahmad Hidayat",
        "reporter_relation": "Lainnya",
    }, origin)
    service.submit(clerk, move.id, origin)

    applicant = _principal(users["warga"])
    service.create(applicant, "dam-design-approval", "dam-desk", {
        "company_name": "PT Tirta Nusantara Konstruksi",
        "dam_name": "Bendungan Cijurey",
        "river_basin": "WS Ciliwung-Cisadane",
        "dam_type": "Urugan batu",
        "height_m": 48.5,
        "district_code": "32.01.09",  # Sukamakmur, Kabupaten Bogor: its site, named before it is filed
        "main_purpose": "Pengendali banjir",
    }, origin)
    service.create(applicant, "city-business-permit", "dpmptsp-front-office", {
        "owner_name": "Budi Santoso",
        "business_name": "Warung Kopi Kukusan",
        "business_scale": "Mikro",
        "capital": 15_000_000,
    }, origin)
    _issued_permit(deps, users, origin)
    _marketing_month(deps, users, origin)
    _registered_birth(deps, users, origin)


def _dam_obligations(deps, users: dict[str, User], dams: dict) -> None:
    """The demo dams' monitoring obligations as a newcomer should find them: each operating dam
    owes its current period (opened when registered); Jatiluhur's reports from three months ago on
    are behind (the watch opens each month since and marks each past its due date overdue), Jatigede's of last month met by an approved report, Karian's quarter open."""
    from chalicelib.domain.obligations import period_of

    today = deps.clock.now().astimezone(deps.settings.org_timezone).date().replace(day=1)
    months_ago = [today]
    for _ in range(3):
        months_ago.append((months_ago[-1] - timedelta(days=1)).replace(day=1))
    jatiluhur, jatigede = dams["BDG-32.14-001"], dams["BDG-32.11-001"]
    deps.dam_duties.open_period(jatiluhur.id, period_of(months_ago[3], "month"))
    last_month = period_of(months_ago[1], "month")
    deps.dam_duties.open_period(jatigede.id, last_month)
    origin = Origin(source_ip="127.0.0.1", user_agent="demo seed")
    operator = _principal(users["warga"])
    report = deps.applications.create(operator, "dam-monitoring-report", "dam-desk", {
        "company_name": "Perum Jasa Tirta II", "dam_id": jatigede.id, "dam_name": jatigede.name,
        "period": last_month, "inspection_date": months_ago[0].isoformat(), "reservoir_level_m": 255.4,
        "seepage_lps": 12.5, "status": "Normal",
        "findings": "Rembesan stabil; instrumen piezometer terbaca normal. Tidak ada tindak lanjut mendesak.",
    }, origin)
    _attach(deps, operator, report.id, "monitoring_report", "laporan-pemantauan.pdf", _pdf(
        f"CONTOH (DEMO) - Laporan pemantauan {jatigede.name}, periode {last_month}"), "application/pdf")
    deps.applications.submit(operator, report.id, origin)
    for step, who in ((1, "loket.bendungan"), (2, "teknis.bendungan")):
        deps.applications.decide(_principal(users[who]), report.id, "approve", step, "Laporan lengkap", origin)
    # What fell due before today: opened, reminded and overdue as the daily watch would have.
    deps.dam_duties.watch()


def _pdf(text: str) -> bytes:
    from fpdf import FPDF

    page = FPDF()
    page.add_page()
    page.set_font("helvetica", size=12)
    page.multi_cell(0, 8, text=text)
    return bytes(page.output())


def _png(color: tuple[int, int, int], size: tuple[int, int] = (640, 480)) -> bytes:
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", size, color)
    draw = ImageDraw.Draw(image)
    for x in range(0, size[0], 40):
        draw.line([(x, 0), (size[0] - x, size[1])], fill=(255, 255, 255), width=3)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _attach(deps, caller: Principal, app_id: str, requirement: str, filename: str, data: bytes,
            content_type: str = "image/png") -> None:
    """What the browser and the scan function do: the file lands under incoming/ and is scanned."""
    from chalicelib.adapters import aws

    upload = deps.documents.request_upload(caller, app_id, requirement, filename, content_type, len(data),
                                           Origin(source_ip="127.0.0.1", user_agent="demo seed"))
    key = upload.fields["key"]
    stored = aws.client(deps.settings, "s3").put_object(Bucket=deps.settings.uploads_bucket, Key=key, Body=data,
                                                        ContentType=content_type)
    deps.documents.scan(key, stored["ETag"].strip('"'), stored.get("VersionId"))


def _issued_permit(deps, users: dict[str, User], origin: Origin) -> None:
    """A business permit walked through its three steps: its certificate (and receipt) are
    rendered by the local render function as soon as the stack is up."""
    service = deps.applications
    owner = _principal(users["warga"])
    permit = service.create(owner, "city-business-permit", "dpmptsp-front-office", {
        "owner_nik": "3276061708850003",
        "owner_name": "Dewi Lestari",
        "owner_npwp": "01.855.081.4-005.000",
        "owner_phone": "081234567890",
        "business_name": "Kedai Kopi Margonda",
        "business_address": "Jl. Margonda Raya No. 100, Kemiri Muka, Beji, Kota Depok",
        "kbli": "56303",
        "business_scale": "Mikro",
        "capital": 45_000_000,
        "employees": 4,
    }, origin)
    _attach(deps, owner, permit.id, "ktp", "ktp.png", _png((90, 140, 200)))
    _attach(deps, owner, permit.id, "npwp_card", "npwp.png", _png((200, 160, 60)))
    service.submit(owner, permit.id, origin)
    for step, who in ((1, "fo.dpmptsp"), (2, "teknis.dpmptsp"), (3, "kepala.dpmptsp")):
        service.decide(_principal(users[who]), permit.id, "approve", step, "Memenuhi syarat", origin)


# The demo month's money: the area gives the region 150 million; the region splits it by
# category and divides it between the clusters (each with its own split), so every level, from
# a cluster up to the area, shows the same money.
REGION_SPLIT = {"ACQUISITION": 50_000_000, "OUTLET": 40_000_000, "SF": 30_000_000, "CB PROGRAM": 20_000_000,
                "REGION CVM & SO": 10_000_000}
CLUSTER_SPLITS = {
    "cluster-depok-utara": {"ACQUISITION": 20_000_000, "OUTLET": 25_000_000, "SF": 15_000_000, "CB PROGRAM": 5_000_000,
                            "REGION CVM & SO": 5_000_000},
    "cluster-depok-selatan": {"ACQUISITION": 30_000_000, "OUTLET": 15_000_000, "SF": 15_000_000,
                              "CB PROGRAM": 15_000_000, "REGION CVM & SO": 5_000_000},
}
EVIDENCE_CHAIN = ("branch.depok", "mcot.jabotabek", "region.jabotabek")


def _marketing_month(deps, users: dict[str, User], origin: Origin) -> None:
    """This month's budget, added by the area and recommended by the region, spending reports
    from both clusters (two approved along the whole chain: used; one awaiting the branch
    manager: pending), and a cluster's budget request awaiting the region."""
    now = deps.clock.now().astimezone(deps.settings.org_timezone)
    period, today = now.strftime("%Y-%m"), now.date().isoformat()
    region = _principal(users["region.jabotabek"])
    deps.budgets.set_amount(_principal(users["area.jabar"]), "region-jabotabek-selatan", period, 150_000_000)
    deps.budgets.set_recommendation(region, "region-jabotabek-selatan", period, REGION_SPLIT)
    for cluster, split in CLUSTER_SPLITS.items():
        deps.budgets.set_amount(region, cluster, period, sum(split.values()))
        deps.budgets.set_recommendation(region, cluster, period, split)
    reports = [
        ("cluster.utara", "cluster-depok-utara", "OUTLET", "Branding outlet Margonda", 7_500_000, (40, 120, 200), True,
         "Margonda Raya", "Spanduk dan neon box untuk 12 outlet, pemasangan oleh vendor."),
        ("cluster.selatan", "cluster-depok-selatan", "ACQUISITION", "Open table Pasar Cisalak", 12_000_000,
         (200, 80, 60), True, "Pasar Cisalak", "Dua hari open table: sewa tenda, materi promosi dan konsumsi tim."),
        ("cluster.utara", "cluster-depok-utara", "SF", "Insentif sales force minggu 3", 4_250_000, (60, 160, 90), False,
         "Depok Utara", "Insentif 17 sales force atas pencapaian aktivasi minggu ketiga."),
    ]
    for who, cluster, category, activity, amount, color, approve, point, description in reports:
        staff = _principal(users[who])
        app = deps.applications.create(staff, "marketing-fee-report", cluster, {
            "category": category, "activity": activity, "spent_on": today, "amount": amount, "payee": "CV Sinar Depok",
            "location": point, "description": description}, origin)
        _attach(deps, staff, app.id, "evidence_photo", "bukti.png", _png(color))
        deps.applications.submit(staff, app.id, origin)
        for step, approver in enumerate(EVIDENCE_CHAIN if approve else (), start=1):
            deps.applications.decide(_principal(users[approver]), app.id, "approve", step, None, origin)
    staff = _principal(users["cluster.selatan"])
    request = deps.applications.create(staff, "marketing-fee-budget-request", "cluster-depok-selatan", {
        "for_month": today, "category": "OUTLET", "amount": 5_000_000,
        "description": "Tambahan branding outlet baru di Jalan Raya Bogor."}, origin)
    deps.applications.submit(staff, request.id, origin)


def _registered_birth(deps, users: dict[str, User], origin: Origin) -> None:
    """A birth approved through kelurahan, kecamatan and city: its event goes to the civil
    registry (the stand-in) once the worker is up; ops see it in the send log."""
    clerk = _principal(users["petugas.kukusan"])
    born = (deps.clock.now().astimezone(deps.settings.org_timezone).date() - timedelta(days=6)).isoformat()
    birth = deps.applications.create(clerk, "civil-birth-report", "kel-kukusan", {
        "child_name": "Nadia Putri Hidayat", "child_sex": "Perempuan", "birth_date": born, "birth_place": "Depok",
        "birth_attendant": "Bidan", "mother_nik": "3276064503900002", "mother_name": "Rina Marlina",
        "father_nik": "3276061708850003", "father_name": "Ahmad Hidayat", "family_card_number": "3276060101090007",
        "reporter_nik": "3276061708850003", "reporter_name": "Ahmad Hidayat", "reporter_relation": "Ayah",
    }, origin)
    _attach(deps, clerk, birth.id, "birth_letter", "surat-lahir.png", _png((230, 200, 210)))
    _attach(deps, clerk, birth.id, "family_card", "kk.png", _png((120, 180, 230)))
    deps.applications.submit(clerk, birth.id, origin)
    for step, who in ((1, "verifikator.kukusan"), (2, "camat.beji"), (3, "disdukcapil.depok")):
        deps.applications.decide(_principal(users[who]), birth.id, "approve", step, "Data sesuai", origin)
