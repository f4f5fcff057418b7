"""Request and response bodies, by theme. Requests are strict (JSON types as they are, no
coercion) and refuse unknown fields; the OpenAPI document is generated from these same classes.

Views name them as `s.X`. A theme's module is imported when one of its bodies is first named, so a
cold function answering `GET /services` builds the catalogue's bodies only, not every model of
the API (pydantic builds a validator per class at import)."""

from __future__ import annotations

import importlib
from typing import Any

# body name → the theme module that defines it
_THEMES = {
    "Request": "base",
    "Query": "base",
    "Out": "base",
    "HealthOut": "base",
    "PageQuery": "base",
    "Status": "base",
    "Email": "base",
    "RegisterRequest": "accounts",
    "VerifyRequest": "accounts",
    "LoginRequest": "accounts",
    "RefreshRequest": "accounts",
    "ForgotPasswordRequest": "accounts",
    "ResetPasswordRequest": "accounts",
    "ProfileRequest": "accounts",
    "AcceptedOut": "accounts",
    "TokenPairOut": "accounts",
    "Role": "accounts",
    "DelegatedRoleOut": "accounts",
    "UserOut": "accounts",
    "UserEnvelope": "accounts",
    "DelegationRequest": "accounts",
    "PersonOut": "accounts",
    "DelegationOut": "accounts",
    "DelegationList": "accounts",
    "NotificationsQuery": "accounts",
    "DeliveryOut": "accounts",
    "NotificationOut": "accounts",
    "NotificationList": "accounts",
    "FailedNotificationOut": "accounts",
    "FailedNotificationList": "accounts",
    "ChildOut": "org",
    "NodeOut": "org",
    "CreateNodeRequest": "org",
    "StaffRequest": "org",
    "ServiceList": "org",
    "OfficeOut": "org",
    "OfficeList": "org",
    "CreateApplicationRequest": "applications",
    "PatchApplicationRequest": "applications",
    "WithdrawRequest": "applications",
    "DecisionRequest": "applications",
    "SuspendRequest": "applications",
    "BatchDecisionRequest": "applications",
    "BatchItemOut": "applications",
    "BatchDecisionOut": "applications",
    "CurrentStepOut": "applications",
    "BudgetCheckOut": "applications",
    "ApplicationOut": "applications",
    "ApplicationList": "applications",
    "ListApplicationsQuery": "applications",
    "NikLookupRequest": "applications",
    "InboxQuery": "applications",
    "HistoryEntryOut": "applications",
    "HistoryOut": "applications",
    "TrackEventOut": "applications",
    "TrackOut": "applications",
    "DocumentRequest": "applications",
    "UploadOut": "applications",
    "Reasons": "applications",
    "DocumentOut": "applications",
    "DocumentCreatedOut": "applications",
    "DocumentList": "applications",
    "DownloadOut": "applications",
    "SlaState": "applications",
    "BudgetAmountRequest": "budgets",
    "RecommendationRequest": "budgets",
    "CategoryOut": "budgets",
    "BudgetOut": "budgets",
    "DashboardQuery": "budgets",
    "OfficeFiguresOut": "budgets",
    "DayOut": "budgets",
    "DashboardOut": "budgets",
    "ReportRequest": "budgets",
    "ReportCreatedOut": "budgets",
    "ReportOut": "budgets",
    "CertificateOut": "budgets",
    "RevokeRequest": "budgets",
    "ReceiptOut": "budgets",
    "VerifyOut": "budgets",
    "Period": "budgets",
    "NikCheckRequest": "registries",
    "RegistryMatchOut": "registries",
    "NikCheckOut": "registries",
    "NpwpCheckRequest": "registries",
    "NpwpCheckOut": "registries",
    "SendsQuery": "registries",
    "SendOut": "registries",
    "SendList": "registries",
    "RunRequest": "registries",
    "RunAccepted": "registries",
    "CreateSubscriptionRequest": "registries",
    "SubscriptionOut": "registries",
    "CreatedSubscriptionOut": "registries",
    "SubscriptionList": "registries",
    "MailQuery": "local",
    "MailOut": "local",
    "MailList": "local",
    "DemoAccount": "local",
    "DemoNode": "local",
    "DemoSubscription": "local",
    "DemoOut": "local",
    "ScheduleOut": "local",
    "ScheduleList": "local",
    "ScheduleRunOut": "local",
    "ClockRequest": "local",
    "ClockOut": "local",
}

__all__ = sorted(_THEMES)


def __getattr__(name: str) -> Any:
    theme = _THEMES.get(name)
    if theme is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{theme}"), name)
    globals()[name] = value  # named once, then found without this function
    return value
