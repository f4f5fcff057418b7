"""Every sentence an error answer can say, in Indonesian and in English: one catalogue.

The domain raises its errors with the English sentence, as before: a plain string, or, when it
has parts that change, `msg(template, **params)`, a string that still reads as the English
sentence (logs, tests, `str()`) and also remembers its template and parts. The API says it in
the reader's language with `say`: the English template is the key of its Indonesian one below.
A part that is itself a name in both languages (a field's label, a status, a role) is a `Label`.

tests/unit/test_messages.py walks the catalogue in both languages, and checks that every
sentence the code raises is in it.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from typing import Any

LANGUAGES = ("id", "en")
DEFAULT_LANGUAGE = "id"


@dataclass(frozen=True)
class Label:
    """A name in both languages; in an English sentence, the English one."""

    id: str
    en: str

    def __str__(self) -> str:
        return self.en

    def in_(self, language: str) -> str:
        return self.id if language == "id" else self.en


class Text(str):
    """An English sentence that remembers its template and parts."""

    template: str
    params: dict[str, Any]


def msg(template: str, **params: Any) -> Text:
    text = Text(template.format(**params))
    text.template = template
    text.params = params
    return text


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def say(text: str, language: str) -> str | None:
    """`text` in `language`; None when the catalogue does not have it (the caller falls back)."""
    template = getattr(text, "template", text)
    params = getattr(text, "params", {})
    if language != "id":
        return template.format(**{k: _in(v, "en") for k, v in params.items()}) if params else str(text)
    found = ID.get(template)
    if found is None:
        return None
    return found.format(**{k: _in(v, "id") for k, v in params.items()})


def _in(value: Any, language: str) -> str:
    if hasattr(value, "template"):  # a sentence inside a sentence
        return say(value, language) or str(value)
    if isinstance(value, Label):
        return value.in_(language)
    if isinstance(value, (list, tuple)):
        return ", ".join(_in(v, language) for v in value)
    return str(value)


def choose(account_language: str | None, accept_language: str | None) -> str:
    """The account's language, else the first of ours that Accept-Language prefers, else Indonesian."""
    if account_language in LANGUAGES:
        return account_language  # type: ignore[return-value]
    ranked = []
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, rest = part.strip().partition(";")
        quality = 1.0
        if rest.strip().startswith("q="):
            try:
                quality = float(rest.strip()[2:])
            except ValueError:
                quality = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGUAGES and quality > 0:
            ranked.append((-quality, position, primary))
    return sorted(ranked)[0][2] if ranked else DEFAULT_LANGUAGE


# ---- names used as parts ------------------------------------------------------------------------

STATUS = {
    "draft": Label("draf", "draft"), "submitted": Label("diajukan", "submitted"),
    "in_review": Label("sedang diperiksa", "in review"), "returned": Label("dikembalikan", "returned"),
    "approved": Label("disetujui", "approved"), "rejected": Label("ditolak", "rejected"),
    "withdrawn": Label("ditarik", "withdrawn"), "suspended": Label("ditangguhkan", "suspended"),
    # documents
    "scanning": Label("sedang diperiksa", "being checked"), "clean": Label("lolos pemeriksaan", "clean"),
    "awaiting_upload": Label("menunggu unggahan", "awaiting upload"),
}
ROLE = {
    "applicant": Label("pemohon", "applicant"), "submitter": Label("pengaju", "submitter"),
    "verifier": Label("verifikator", "verifier"), "approver": Label("pemberi persetujuan", "approver"),
    "admin": Label("admin", "admin"), "viewer": Label("pemantau", "viewer"), "ops": Label("operator", "ops"),
    "budget_allocator": Label("pengalokasi anggaran", "budget allocator"),
    "budget_recommender": Label("pemberi rekomendasi anggaran", "budget recommender"),
    "dam_registrar": Label("petugas registrasi bendungan", "dam registrar"),
    "dam_operator": Label("operator bendungan", "dam operator"),
    "dam_inspector": Label("inspektur bendungan", "dam inspector"),
}


# Request fields named in a sentence of their own.
FIELD_NAMES = {"comment": Label("komentar", "comment"), "reason": Label("alasan", "reason")}


def status(code: str) -> Label:
    return STATUS.get(code, Label(code.replace("_", " "), code.replace("_", " ")))


def role(code: str) -> Label:
    return ROLE.get(code, Label(code, code))


def either(names: list[str] | tuple[str, ...]) -> Label:
    """"a or b" in both languages."""
    return Label(" atau ".join(names), " or ".join(names))


# ---- the titles of problem types ---------------------------------------------------------------

TITLES = {
    "malformed-request": Label("Permintaan tidak dapat dibaca", "Malformed request"),
    "unauthenticated": Label("Perlu masuk terlebih dahulu", "Authentication required"),
    "forbidden": Label("Tidak diizinkan", "Not allowed"),
    "account-not-verified": Label("Alamat e-mail belum diverifikasi", "E-mail address not verified"),
    "not-found": Label("Tidak ditemukan", "Not found"),
    "method-not-allowed": Label("Metode tidak diizinkan", "Method not allowed"),
    "conflict": Label("Bertentangan dengan keadaan data", "Conflict"),
    "payload-too-large": Label("Isi permintaan terlalu besar", "Request body too large"),
    "unsupported-media-type": Label("Jenis media tidak didukung", "Unsupported media type"),
    "validation-error": Label("Ada isian permintaan yang tidak benar", "The request has invalid fields"),
    "too-many-requests": Label("Terlalu banyak permintaan", "Too many requests"),
    "internal-error": Label("Kesalahan di sisi kami", "Internal error"),
    "unavailable": Label("Layanan sedang tidak tersedia", "Service unavailable"),
}

# What a field rule says, by its code, when the sentence was not written for it (pydantic's).
RULES = {
    "required": "is required",
    "unknown_field": "is not a field of this request",
    "max_length": "must be at most {limit} characters",
    "min_length": "must be at least {limit} characters",
    "max_items": "must have at most {limit} items",
    "min_items": "must have at least {limit} items",
    "min": "must be at least {min}",
    "max": "must be at most {max}",
    "choice": "must be one of {options}",
    "format": "is not in the expected format",
    "timezone": "must carry a time zone offset",
    "type": "has the wrong type",
    "invalid": "is not valid",
}

# ---- English template → Indonesian ---------------------------------------------------------------

ID: dict[str, str] = {
    # field rules (said after the field's label)
    "is required": "wajib diisi",
    "is not a field of this request": "bukan isian permintaan ini",
    "must be at most {limit} characters": "paling banyak {limit} karakter",
    "must be at least {limit} characters": "paling sedikit {limit} karakter",
    "must have at most {limit} items": "paling banyak berisi {limit} butir",
    "must have at least {limit} items": "paling sedikit berisi {limit} butir",
    "must be at least {min}": "paling sedikit {min}",
    "must be at most {max}": "paling banyak {max}",
    "must be one of {options}": "harus salah satu dari {options}",
    "must be one of: {options}": "harus salah satu dari: {options}",
    "is not in the expected format": "tidak sesuai format yang diharapkan",
    "must carry a time zone offset": "harus menyertakan selisih zona waktu",
    "has the wrong type": "jenis nilainya salah",
    "is not valid": "tidak sah",
    "{label} is required": "{label} wajib diisi",
    "{label} {rule}": "{label} {rule}",
    "has no host": "tidak menyebut nama host",
    "has the wrong number of digits": "jumlah angkanya salah",
    "is in the past": "sudah lewat",
    "is larger than any real amount": "lebih besar daripada jumlah uang mana pun yang nyata",
    "is larger than any real value": "lebih besar daripada nilai mana pun yang nyata",
    "is not a cursor this list gave out": "bukan penanda halaman yang diberikan daftar ini",
    "is not a field of this service": "bukan isian layanan ini",
    "is not a parameter of this route": "bukan parameter rute ini",
    "is not a real date": "bukan tanggal yang ada",
    "is not a service in the catalog": "bukan layanan dalam katalog",
    "is not a valid NPWP (15 or 16 digits, e.g. 01.312.166.0-091.000)":
        "bukan NPWP yang sah (15 atau 16 angka, misalnya 01.312.166.0-091.000)",
    "is not a valid NIK: {problems}": "bukan NIK yang sah: {problems}",
    "is not an active account": "bukan akun yang aktif",
    "is not an e-mail address": "bukan alamat e-mail",
    "is not an office": "bukan kantor",
    "is required when rejecting or returning, so the applicant knows why":
        "wajib diisi saat menolak atau mengembalikan, agar pemohon tahu alasannya",
    "is required: name the office whose applications' events to send":
        "wajib diisi: sebutkan kantor yang peristiwa permohonannya dikirim",
    "is required: the applicant is told what is awaited": "wajib diisi: pemohon diberi tahu apa yang ditunggu",
    "is wrong or has expired; ask for a new one": "salah atau sudah kedaluwarsa; mintalah kode baru",
    "must be 1 to 120 characters": "harus 1 sampai 120 karakter",
    "must be 1 to {limit} characters": "harus 1 sampai {limit} karakter",
    "must be 16 digits": "harus 16 angka",
    "must be a 16-digit NIK as text": "harus NIK 16 angka dalam bentuk teks",
    "must be a date as YYYY-MM-DD": "harus tanggal dengan format YYYY-MM-DD",
    "must be a lower-case word such as kelurahan or cluster": "harus satu kata huruf kecil, misalnya kelurahan atau cluster",
    "must be a month as YYYY-MM, e.g. 2026-11": "harus bulan dengan format YYYY-MM, misalnya 2026-11",
    "must be a number": "harus berupa angka",
    "must be a phone number, e.g. 0812-3456-7890 or +62 21 1234567":
        "harus nomor telepon, misalnya 0812-3456-7890 atau +62 21 1234567",
    "must be a single line": "harus satu baris",
    "must be a staff member": "harus seorang petugas",
    "must be a whole number of rupiah": "harus rupiah bulat",
    "must be after starts_at": "harus sesudah waktu mulai (starts_at)",
    "must be an Indonesian number (+62)": "harus nomor Indonesia (+62)",
    "must be an NPWP as text": "harus NPWP dalam bentuk teks",
    "must be an e-mail address": "harus alamat e-mail",
    "must be an https:// URL": "harus URL https://",
    "must be an object": "harus berupa objek JSON",
    "must be approve, reject or return": "harus approve, reject, atau return",
    "must be id or en": "harus id atau en",
    "must be plain text": "harus teks biasa",
    "must be someone else": "harus orang lain",
    "must be text": "harus berupa teks",
    "must be the file's size in bytes": "harus ukuran berkas dalam bita",
    "must be true or false": "harus true atau false",
    "must look like 32, 32.76, 32.76.06 or 32.76.06.1002": "harus seperti 32, 32.76, 32.76.06, atau 32.76.06.1002",
    # issue 20: admin
    "is required for a {kind}": "wajib diisi untuk {kind}",
    "a {kind} has a code like {example}": "kode wilayah {kind} berbentuk seperti {example}",
    "is not a region in the master data": "bukan wilayah dalam data induk",
    "must lie inside the parent office's region {parent}": "harus berada di dalam wilayah kantor induknya, {parent}",
    "the role is not right": "perannya tidak tepat",
    "this person already holds that role at this office": "orang ini sudah memegang peran itu di kantor ini",
    "this person does not hold that role at this office": "orang ini tidak memegang peran itu di kantor ini",
    "you cannot revoke your own admin role; ask another admin":
        "Anda tidak dapat mencabut peran admin Anda sendiri; mintalah admin lain",
    "must name a public host, not a private, loopback or link-local address":
        "harus menyebut host publik, bukan alamat privat, loopback, atau link-local",
    "must not be in the future": "tidak boleh tanggal yang akan datang",
    "must not be negative": "tidak boleh negatif",
    "must not carry a user name or password; deliveries are signed instead":
        "tidak boleh memuat nama pengguna atau kata sandi; kiriman ditandatangani sebagai gantinya",
    "must not contain control characters": "tidak boleh memuat karakter kendali",
    "must start with 0 or +62": "harus diawali 0 atau +62",
    "must be whole rupiah from 0 to {max}": "harus rupiah bulat dari 0 sampai {max}",
    "must be at least {amount} (the categories' total)": "paling sedikit {amount} (jumlah seluruh kategori)",
    "must be at least {amount} (the offices below)": "paling sedikit {amount} (kantor di bawahnya)",
    "must be at most {amount}": "paling banyak {amount}",
    "exceed the budget by {excess}": "melebihi anggaran sebesar {excess}",
    "is not a category; use one of {options}": "bukan kategori; gunakan salah satu dari {options}",
    "must be an office of kind {kinds}": "harus kantor jenis {kinds}",
    "step {number} ({step}) needs an office of kind {kind} above this office":
        "tahap {number} ({step}) memerlukan kantor jenis {kind} di atas kantor ini",
    "is required (at most {limit} characters): anyone verifying the certificate reads it":
        "wajib diisi (paling banyak {limit} karakter): siapa pun yang memeriksa sertifikat membacanya",
    "is not a document this service asks for: {options}": "bukan dokumen yang diminta layanan ini: {options}",
    "{document} accepts {types}": "{document} hanya menerima {types}",
    "{document} may be at most {limit} bytes": "{document} paling besar {limit} bita",
    "{document} is still being checked; try again in a moment": "{document} masih diperiksa; coba lagi sebentar lagi",
    "{document} was rejected: {reason}; upload another file": "{document} ditolak: {reason}; unggah berkas lain",
    "{document} has not finished uploading": "{document} belum selesai diunggah",
    "{document} is required; upload it": "{document} wajib diunggah",
    "is longer than {limit} characters": "lebih dari {limit} karakter",
    "unknown: {unknown}; known: {known}": "tidak dikenal: {unknown}; yang dikenal: {known}",
    "offices nest at most {limit} levels below the root": "kantor bertingkat paling dalam {limit} tingkat di bawah akar",
    # whole answers
    "a JSON body is required": "isi permintaan JSON wajib ada",
    "a delegation lasts at most 92 days; make a new one after": "delegasi berlaku paling lama 92 hari; buat yang baru sesudahnya",
    "a delegation starts within a year from now": "delegasi dimulai paling lambat setahun dari sekarang",
    "a receipt is given once the application is submitted": "tanda terima diberikan setelah permohonan diajukan",
    "bad cursor": "penanda halaman tidak sah",
    "budgets are set by a budget_allocator of an office above this one":
        "anggaran ditetapkan oleh pengalokasi anggaran (budget_allocator) kantor di atas kantor ini",
    "budgets are split by a budget_recommender reaching this office":
        "anggaran dibagi oleh pemberi rekomendasi anggaran (budget_recommender) yang menjangkau kantor ini",
    "could not allot a tracking code; try again": "nomor pelacakan gagal dibuat; coba lagi",
    "filter not available": "penyaring tidak tersedia",
    "filters staff lists only": "hanya untuk menyaring daftar petugas",
    "many permits are being approved at this moment; try again":
        "banyak izin sedang disetujui saat ini; coba lagi",
    "name at least one event": "sebutkan paling sedikit satu peristiwa",
    "name at least one role": "sebutkan paling sedikit satu peran",
    "no application has this tracking code": "tidak ada permohonan dengan nomor pelacakan ini",
    "no certificate has been issued for this application": "belum ada sertifikat yang diterbitkan untuk permohonan ini",
    "no certificate has this code": "tidak ada sertifikat dengan kode ini",
    "no demo data was seeded": "data demo belum diisi",
    "no local mailbox is configured": "kotak surat lokal tidak diatur",
    "no scheduled function has this name": "tidak ada fungsi terjadwal dengan nama ini",
    "no such account": "akun tidak ditemukan",
    "no such application": "permohonan tidak ditemukan",
    "no such colleague": "rekan kerja tidak ditemukan",
    "no such delegation": "delegasi tidak ditemukan",
    "no such document": "dokumen tidak ditemukan",
    "no such notification": "pemberitahuan tidak ditemukan",
    "no such office": "kantor tidak ditemukan",
    "no such office: {office}": "kantor tidak ditemukan: {office}",
    "no such office among those whose budget you set": "kantor tidak ditemukan di antara kantor yang anggarannya Anda tetapkan",
    "no such office among those whose budget you split": "kantor tidak ditemukan di antara kantor yang anggarannya Anda bagi",
    "no such office among those you administer": "kantor tidak ditemukan di antara kantor yang Anda kelola",
    "no such parent office": "kantor induk tidak ditemukan",
    "no such report": "laporan tidak ditemukan",
    "no such route": "rute tidak ditemukan",
    "no such service": "layanan tidak ditemukan",
    "no such subscription": "langganan tidak ditemukan",
    "nobody decides on their own application": "tidak seorang pun memutuskan permohonannya sendiri",
    "not a NIK": "bukan NIK",
    "not a colleague": "bukan rekan kerja",
    "not a day": "bukan tanggal",
    "not a month": "bukan bulan",
    "not an amount": "bukan jumlah uang",
    "not an e-mail address": "bukan alamat e-mail",
    "not to yourself": "tidak kepada diri sendiri",
    "nothing here within your reach": "tidak ada yang dapat Anda jangkau di sini",
    "only the applicant who filed it may add documents": "hanya pemohon yang mengajukannya yang boleh menambahkan dokumen",
    "only the applicant who filed it may do this": "hanya pemohon yang mengajukannya yang boleh melakukan ini",
    "only the applicant who filed it may remove documents": "hanya pemohon yang mengajukannya yang boleh menghapus dokumen",
    "only the authority that issued the certificate may revoke it":
        "hanya pejabat yang menerbitkan sertifikat yang boleh mencabutnya",
    "password too long": "kata sandi terlalu panjang",
    "password too short": "kata sandi terlalu pendek",
    "personal data cannot be stored now; try again later": "data pribadi tidak dapat disimpan sekarang; coba lagi nanti",
    "say why": "sebutkan alasannya",
    "send an access token: Authorization: Bearer <token>": "kirim token akses: Authorization: Bearer <token>",
    "some categories are not right": "ada kategori yang tidak benar",
    "some fields are not right": "ada isian yang tidak benar",
    "something went wrong on our side; it has been logged": "terjadi kesalahan di sisi kami; sudah dicatat",
    "that account is being changed; try again": "akun itu sedang diubah; coba lagi",
    "that address was registered a moment ago; try again": "alamat itu baru saja didaftarkan; coba lagi",
    "that day has not come": "hari itu belum tiba",
    # the marketing-fee table: who sets budgets, who removes evidence
    "budgets are set by a budget_allocator above this office, or divided by a budget_recommender among the offices "
    "under a budget they reach":
        "anggaran ditetapkan oleh budget_allocator di atas kantor ini, atau dibagi oleh budget_recommender ke kantor-kantor "
        "di bawah anggaran yang dijangkaunya",
    "only the office that filed it may remove its evidence": "hanya kantor yang mengajukannya yang dapat menghapus buktinya",
    "{document} is required and this is its only file: add another before removing it":
        "{document} wajib ada dan ini satu-satunya berkasnya: tambahkan berkas lain sebelum menghapusnya",
    "evidence can be removed until the report is decided, not once it is {status}":
        "bukti dapat dihapus sampai laporan diputuskan, tidak setelah berstatus {status}",
    # office calendars, and taking over or handing on an escalated step
    "must be a list of at most {limit} [start, end] periods": "harus daftar berisi paling banyak {limit} periode [mulai, selesai]",
    "must be a list of at most {limit} days": "harus daftar berisi paling banyak {limit} hari",
    "the calendar is not right": "kalender tidak benar",
    "must have working hours on at least one day": "harus memiliki jam kerja pada paling sedikit satu hari",
    "must map weekdays (mon…sun) to working periods": "harus memetakan hari (mon…sun) ke periode kerja",
    "is not a weekday (mon, tue, wed, thu, fri, sat, sun)": "bukan nama hari (mon, tue, wed, thu, fri, sat, sun)",
    "periods must not overlap": "periode tidak boleh bertumpang tindih",
    "needs a date (YYYY-MM-DD) and a name of 1 to 120 characters":
        "memerlukan tanggal (TTTT-BB-HH) dan nama sepanjang 1 sampai 120 karakter",
    'each period is ["HH:MM", "HH:MM"], the start before the end':
        'setiap periode berbentuk ["JJ:MM", "JJ:MM"], mulai sebelum selesai',
    "the application is suspended: resume it first": "permohonan sedang ditangguhkan: lanjutkan dulu",
    "the step is already yours": "tahap ini sudah Anda pegang",
    "the step has already been taken over by {name}": "tahap ini sudah diambil alih oleh {name}",
    "the step has not been escalated to an office where you decide":
        "tahap ini belum dieskalasi ke kantor tempat Anda memutuskan",
    "cannot hand the step to that person": "tahap tidak dapat diserahkan kepada orang itu",
    "must be the address of someone holding the {role} role at {office}":
        "harus alamat orang yang memegang peran {role} di {office}",
    "the step is already with {name}": "tahap ini sudah dipegang {name}",
    "the application kept changing; the NIK check is recorded on the next run":
        "permohonan terus berubah; hasil pemeriksaan NIK dicatat pada putaran berikutnya",
    # the finance registry's inputs and the satisfaction survey
    "is not for this account kind": "bukan untuk jenis rekening ini",
    "no account kind {kind}; there are {kinds}": "tidak ada jenis rekening {kind}; yang ada: {kinds}",
    "not a {kind} balance": "bukan saldo {kind}",
    "is not a real date (YYYY-MM-DD)": "bukan tanggal yang sah (TTTT-BB-HH)",
    "this application has no satisfaction survey": "permohonan ini tidak memiliki survei kepuasan",
    "must be a whole number from 1 to 4": "harus bilangan bulat 1 sampai 4",
    "is not an element of the survey": "bukan unsur survei",
    "not a survey answer": "bukan jawaban survei",
    "the survey opens once the application is approved or rejected":
        "survei dibuka setelah permohonan disetujui atau ditolak",
    "this application's survey was answered already": "survei permohonan ini sudah dijawab",
    "the access token has expired": "token akses sudah kedaluwarsa",
    "the access token is not a token": "token akses bukan token",
    "the access token is not signed the way this service signs": "token akses tidak ditandatangani seperti cara layanan ini",
    "the access token is not valid": "token akses tidak sah",
    "the access token was issued in the future": "token akses diterbitkan dengan waktu yang akan datang",
    "the access token was signed with an unknown key": "token akses ditandatangani dengan kunci yang tidak dikenal",
    "the application changed while you were adding the document; reload it and try again":
        "permohonan berubah saat Anda menambahkan dokumen; muat ulang lalu coba lagi",
    "the application changed while you were working on it; reload it and try again":
        "permohonan berubah saat Anda mengerjakannya; muat ulang lalu coba lagi",
    "the application is already suspended": "permohonan sudah ditangguhkan",
    "the application is not complete": "permohonan belum lengkap",
    "the application is not suspended": "permohonan tidak sedang ditangguhkan",
    "the application keeps changing; the scan will be retried": "permohonan terus berubah; pemeriksaan berkas akan diulang",
    "the application or document changed meanwhile; reload and try again":
        "permohonan atau dokumen berubah sementara itu; muat ulang lalu coba lagi",
    "the body is not valid JSON": "isi permintaan bukan JSON yang sah",
    "the body must be a JSON object": "isi permintaan harus berupa objek JSON",
    "the body is {size} bytes; at most {limit} are accepted": "isi permintaan {size} bita; paling banyak {limit} bita diterima",
    "the budget changed while you were splitting it; reload it and try again":
        "anggaran berubah saat Anda membaginya; muat ulang lalu coba lagi",
    "the budget kept changing while it was being set; try again": "anggaran terus berubah saat ditetapkan; coba lagi",
    "the certificate is already revoked": "sertifikat sudah dicabut",
    "the code was used or replaced at the same moment; ask for a new one":
        "kode dipakai atau diganti pada saat yang sama; mintalah kode baru",
    "the database did not answer; try again": "basis data tidak menjawab; coba lagi",
    "the document cannot be added": "dokumen tidak dapat ditambahkan",
    "the name is not right": "nama tidak benar",
    "the office is not right": "kantor tidak benar",
    "the office this application was filed at no longer exists": "kantor tempat permohonan ini diajukan sudah tidak ada",
    "the period is not right": "periode tidak benar",
    "the record is being changed at this moment; try again": "data sedang diubah saat ini; coba lagi",
    "the refresh token is not valid; log in again": "token penyegar tidak sah; silakan masuk lagi",
    "the roles are not right": "peran tidak benar",
    "the service is not configured; operators have been told": "layanan belum diatur; operator sudah diberi tahu",
    "the session has ended; log in again": "sesi sudah berakhir; silakan masuk lagi",
    "the subscription cannot be made": "langganan tidak dapat dibuat",
    "the table is busy; try again": "tabel sedang sibuk; coba lagi",
    "the tree is too deep": "susunan kantor terlalu dalam",
    "this application has no certificate": "permohonan ini tidak memiliki sertifikat",
    "this code is not valid": "kode ini tidak sah",
    "this document was part of a submission and stays as evidence; add a corrected file instead":
        "dokumen ini bagian dari pengajuan dan tetap disimpan sebagai bukti; tambahkan berkas perbaikan sebagai gantinya",
    "this one could not be decided now; try it again": "yang ini tidak dapat diputuskan sekarang; coba lagi",
    "this refresh token was already used; for safety the session has ended, log in again":
        "token penyegar ini sudah pernah dipakai; demi keamanan sesi diakhiri, silakan masuk lagi",
    "this role cannot be delegated": "peran ini tidak dapat didelegasikan",
    "this route takes no request body": "rute ini tidak menerima isi permintaan",
    "this stage's clock cannot be moved": "jam tahap ini tidak dapat dimajukan",
    "too many concurrent attempts; try again": "terlalu banyak percobaan bersamaan; coba lagi",
    "too many failed logins; try again later": "terlalu banyak percobaan masuk yang gagal; coba lagi nanti",
    "too many wrong codes for this address; try again tomorrow": "terlalu banyak kode salah untuk alamat ini; coba lagi besok",
    "unknown decision": "keputusan tidak dikenal",
    "unknown language": "bahasa tidak dikenal",
    "unknown office": "kantor tidak dikenal",
    "unknown query parameters": "parameter kueri tidak dikenal",
    "unknown report": "laporan tidak dikenal",
    "unknown service": "layanan tidak dikenal",
    "verify your e-mail address with the code we sent before logging in":
        "verifikasi alamat e-mail Anda dengan kode yang kami kirim sebelum masuk",
    "which office?": "kantor yang mana?",
    "wrong e-mail address or password": "alamat e-mail atau kata sandi salah",
    "your account is being changed; try again": "akun Anda sedang diubah; coba lagi",
    "{method} is not allowed here; use {allowed}": "{method} tidak diizinkan di sini; gunakan {allowed}",
    "{service} cannot be filed at {office}": "{service} tidak dapat diajukan di {office}",
    "{service} is filed at an office of kind {kinds}, not {kind}": "{service} diajukan di kantor jenis {kinds}, bukan {kind}",
    "{service} is filed by staff holding the submitter role at the office":
        "{service} diajukan oleh petugas yang memegang peran pengaju (submitter) di kantor itu",
    "an application that is {status} cannot be changed": "permohonan yang berstatus {status} tidak dapat diubah",
    "an application that is {status} cannot be submitted": "permohonan yang berstatus {status} tidak dapat diajukan",
    "an application that is {status} cannot be withdrawn": "permohonan yang berstatus {status} tidak dapat ditarik",
    "the {field} is too long": "{field} terlalu panjang",
    "{asked} is no longer awaiting a decision: the application is now {current}":
        "{asked} tidak lagi menunggu keputusan: permohonan kini {current}",
    "step {step}": "tahap {step}",
    "the application": "permohonan",
    "step {step} is decided by the {role} of another office": "tahap {step} diputuskan oleh {role} kantor lain",
    "the split into categories adds up to {total}, {excess} more than {amount}; change the split first":
        "pembagian per kategori berjumlah {total}, {excess} lebih dari {amount}; ubah pembagiannya dahulu",
    "the offices below already have {allocated}, {excess} more than {amount}; lower theirs first":
        "kantor di bawahnya sudah mendapat {allocated}, {excess} lebih dari {amount}; turunkan anggaran mereka dahulu",
    "the offices under {office} would get {allocated}, {excess} more than its budget of {amount}":
        "kantor di bawah {office} akan mendapat {allocated}, {excess} lebih dari anggarannya sebesar {amount}",
    "{office} has no budget for {period} yet; its allocator sets one first":
        "{office} belum memiliki anggaran untuk {period}; pengalokasinya menetapkannya dahulu",
    "the categories add up to {total}, {excess} more than the budget of {amount}":
        "kategori berjumlah {total}, {excess} lebih dari anggaran sebesar {amount}",
    "service {service} version {version} is no longer in the catalog":
        "layanan {service} versi {version} sudah tidak ada di katalog",
    "you do not hold {role} at this office yourself, so you cannot lend it":
        "Anda sendiri tidak memegang peran {role} di kantor ini, jadi tidak dapat meminjamkannya",
    "documents can be added while the application is a draft or returned, not {status}":
        "dokumen dapat ditambahkan selama permohonan berstatus draf atau dikembalikan, bukan {status}",
    "documents can be removed while the application is a draft or returned, not {status}":
        "dokumen dapat dihapus selama permohonan berstatus draf atau dikembalikan, bukan {status}",
    "an application holds at most {limit} documents; delete some first":
        "satu permohonan memuat paling banyak {limit} dokumen; hapus sebagian dahulu",
    "the application is {status}, not awaiting a decision": "permohonan berstatus {status}, tidak sedang menunggu keputusan",
    "at most {limit} uploads a day; try again tomorrow": "paling banyak {limit} unggahan sehari; coba lagi besok",
    "the document is {status}; only files that passed the check are served":
        "dokumen berstatus {status}; hanya berkas yang lolos pemeriksaan yang dapat diunduh",
    "no integration named {target}; there are {targets}": "tidak ada integrasi bernama {target}; yang ada: {targets}",
    "{parent} already has an office named {name}": "{parent} sudah memiliki kantor bernama {name}",
    # the regulations library and the offices' contacts
    "no such regulation": "tidak ada peraturan tersebut",
    "no such version of the regulation": "tidak ada versi peraturan tersebut",
    "the entry keeps changing; reload it and try again": "entri terus berubah; muat ulang lalu coba lagi",
    "the entry or one it names changed meanwhile; try again":
        "entri ini atau entri yang dirujuknya berubah sementara itu; coba lagi",
    "the entry keeps changing; the scan will be retried": "entri terus berubah; pemeriksaan akan diulang",
    "the file is too large": "berkas terlalu besar",
    "must be at most {limit} bytes": "paling besar {limit} bita",
    "names at most {limit} entries": "menyebut paling banyak {limit} entri",
    "cannot name the entry itself": "tidak boleh menyebut entri itu sendiri",
    "names entries the library does not have: {ids}": "menyebut entri yang tidak ada di pustaka: {ids}",
    "an entry cannot be both amended and revoked by one act: {ids}":
        "satu entri tidak dapat sekaligus diubah dan dicabut oleh satu peraturan: {ids}",
    "the links are not right": "tautan antarperaturan tidak benar",
    "the entry is not right": "entri peraturan tidak benar",
    "falls outside the year {year}": "berada di luar tahun {year}",
    "must be a date, YYYY-MM-DD": "harus berupa tanggal, TTTT-BB-HH",
    "the contact is not right": "kontak kantor tidak benar",
    "give at least one way to reach the office": "isi paling sedikit satu cara menghubungi kantor",
    # the dam register
    "the dam is not right": "data bendungan tidak benar",
    "no such dam": "bendungan tidak ditemukan",
    "is not a province in the master data": "bukan provinsi dalam data induk",
    "is not a regency of that province in the master data": "bukan kabupaten/kota di provinsi itu dalam data induk",
    "is not a district of that regency in the master data": "bukan kecamatan di kabupaten/kota itu dalam data induk",
    "is not a district in the master data (e.g. 32.14.03)": "bukan kecamatan dalam data induk (mis. 32.14.03)",
    "must be the district's code and four digits": "harus berupa kode kecamatannya ditambah empat angka",
    "must be between -{limit} and {limit}": "harus di antara -{limit} dan {limit}",
    "must rise: waspada below siaga below awas": "harus naik: waspada di bawah siaga di bawah awas",
    "cannot be changed here": "tidak dapat diubah di sini",
    "must not be null": "tidak boleh kosong (null)",
    "must not be blank": "tidak boleh kosong",
    "bad filter": "penyaring tidak benar",
    "bad date": "tanggal tidak benar",
    "bad range": "rentang tanggal tidak benar",
    "must be on or after from, within {limit} days": "harus sama dengan atau sesudah tanggal awal, dalam {limit} hari",
    "another dam holds register code {code}": "kode registrasi {code} sudah dipakai bendungan lain",
    "the dam changed since you read it (version {version} now); read it again":
        "data bendungan sudah berubah sejak Anda membacanya (kini versi {version}); baca ulang",
    "the dam changed since you read it; read it again": "data bendungan sudah berubah sejak Anda membacanya; baca ulang",
    "the dam is {status}; this permit moves a dam that is {expected}":
        "status bendungan {status}; izin ini hanya untuk bendungan berstatus {expected}",
    "the file is not right": "berkas tidak benar",
    "must be a dam's id from the register (dam_…)": "harus berupa id bendungan dari register (dam_…)",
    "is not a dam in the register managed on this office's line":
        "bukan bendungan dalam register yang dikelola di jalur kantor ini",
    "the dam this permit names is no longer in the register": "bendungan yang disebut izin ini sudah tidak ada di register",
    "must be the header {header}": "harus berupa baris judul {header}",
    "has {rows} days; an import takes at most {limit}": "berisi {rows} hari; satu impor paling banyak {limit} hari",
    "holds no days": "tidak berisi satu hari pun",
    # a dam's monitoring obligations
    "must be a period like {example}: the dam reports every {every}":
        "harus berupa periode seperti {example}: bendungan ini melapor setiap {every}",
    "must not be a period that has not begun": "tidak boleh periode yang belum dimulai",
    "spans {days} days; an import covers at most {limit}": "mencakup {days} hari; satu impor paling banyak {limit} hari",
    "has {cells} cells; the header has {columns}": "berisi {cells} sel; baris judul berisi {columns}",
    "repeats the day {day}": "mengulang tanggal {day}",
    "must be between {low} and {high}": "harus di antara {low} dan {high}",
    # a dam's inspections
    "the inspection is not right": "data inspeksi tidak benar",
    "no such inspection": "inspeksi tidak ditemukan",
    "a special inspection names its cause (an earthquake, a flood)":
        "inspeksi khusus menyebut penyebabnya (gempa bumi, banjir)",
    "name at least one inspector, none blank": "sebut paling sedikit satu inspektur, tanpa nama kosong",
    "must be after the inspection's date": "harus sesudah tanggal inspeksi",
    "must be on or after the inspection's date": "harus sama dengan atau sesudah tanggal inspeksi",
    "is not an inspection photo of this dam": "bukan foto inspeksi bendungan ini",
    "has not passed its scan yet; record the inspection when it has":
        "belum lolos pemeriksaan berkas; catat inspeksi setelah lolos",
    "the follow-up is not right": "tindak lanjut tidak benar",
    "is not a recommendation of this inspection (0 to {last})": "bukan rekomendasi inspeksi ini (0 sampai {last})",
    "names a recommendation twice": "menyebut satu rekomendasi dua kali",
    "the dam's inspections keep changing; try again": "inspeksi bendungan terus berubah; coba lagi",
    "the inspection keeps changing; read it again": "data inspeksi terus berubah; baca ulang",
    "send the body as {media_type}": "kirim isi permintaan sebagai {media_type}",
    "the body is not UTF-8 text": "isi permintaan bukan teks UTF-8",
    # issue 20: operations
    "no record of the send log has this id": "tidak ada catatan log pengiriman dengan id ini",
    "no queue named {name} has a dead-letter queue to redrive; there are {names}":
        "tidak ada antrean bernama {name} yang punya antrean surat mati untuk dikirim ulang; yang ada: {names}",
    "the queue service did not answer; try again": "layanan antrean tidak menjawab; coba lagi",
    # Chalice's own answers (rewritten in chalicelib/api/problems.py)
    "Unsupported media type: {type}": "Jenis media tidak didukung: {type}",
    "the request could not be handled": "permintaan tidak dapat ditangani",
}

# The NIK's rules, by code (the English sentences name the digits; these say the rule).
NIK_PROBLEMS = {
    "nik_length": "NIK tepat 16 angka",
    "nik_region": "kode wilayahnya bukan kecamatan dalam data induk",
    "nik_date": "tanggal lahirnya bukan tanggal yang ada (perempuan: tanggal ditambah 40)",
    "nik_serial": "nomor urut 0000 tidak pernah diterbitkan",
}
