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
]

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
    subscription = _demo_subscription(deps, users)
    registrar = _principal(users["registrasi.bendungan"])
    for dam in DEMO_DAMS:
        deps.assets.register(registrar, {"node_id": "dam-division", "year_completed": None} | dam)
    if sample_applications:
        _sample_applications(deps, users)

    manifest = {
        "password": DEMO_PASSWORD,
        "accounts": accounts,
        "subscription": subscription,
        "nodes": [{"id": n.id, "kind": n.kind, "name": n.name, "parent_id": n.parent_id} for n in nodes.values()],
    }
    manifest_path.parent.mkdir(parents=True, exist_ok=True)
    manifest_path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
    return manifest


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


def _attach(deps, caller: Principal, app_id: str, requirement: str, filename: str, data: bytes) -> None:
    """What the browser and the scan function do: the file lands under incoming/ and is scanned."""
    from chalicelib.adapters import aws

    upload = deps.documents.request_upload(caller, app_id, requirement, filename, "image/png", len(data),
                                           Origin(source_ip="127.0.0.1", user_agent="demo seed"))
    key = upload.fields["key"]
    stored = aws.client(deps.settings, "s3").put_object(Bucket=deps.settings.uploads_bucket, Key=key, Body=data,
                                                        ContentType="image/png")
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
        ("cluster.utara", "cluster-depok-utara", "OUTLET", "Branding outlet Margonda", 7_500_000, (40, 120, 200), True),
        ("cluster.selatan", "cluster-depok-selatan", "ACQUISITION", "Open table Pasar Cisalak", 12_000_000,
         (200, 80, 60), True),
        ("cluster.utara", "cluster-depok-utara", "SF", "Insentif sales force minggu 3", 4_250_000, (60, 160, 90), False),
    ]
    for who, cluster, category, activity, amount, color, approve in reports:
        staff = _principal(users[who])
        app = deps.applications.create(staff, "marketing-fee-report", cluster, {
            "category": category, "activity": activity, "spent_on": today, "amount": amount, "payee": "CV Sinar Depok",
            "location": "Depok", "description": f"{activity}: materi promosi, sewa tempat dan konsumsi tim."}, origin)
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
