from chalicelib.api import gates
from chalicelib.api import schemas as s
from chalicelib.api.http import Result, endpoint

TAGS = ("budgets",)


@endpoint(summary="Ask for a monthly budget-usage report (PDF); the same figures give the same report",
          body=s.ReportRequest, response=s.ReportCreatedOut, status=202, tags=TAGS, errors=(401, 404, 422),
          gate=gates.reports)
def request_report(ctx, body: s.ReportRequest) -> Result:
    report = ctx.deps.rendering.request_report(ctx.user(), body.kind, body.node_id, body.period)
    return Result(s.ReportCreatedOut(report_id=report.id, status=report.record.status), 202,
                  {"Location": f"/reports/{report.id}"})


@endpoint(summary="A report asked for: pending, ready (with a download link) or failed", response=s.ReportOut,
          tags=TAGS, errors=(401, 404))
def get_report(ctx, id: str) -> s.ReportOut:
    record = ctx.deps.rendering.report(ctx.user(), id)
    filename = f"laporan-marketing-fee-{record.node_id}-{record.period}.pdf"
    return s.ReportOut(
        report_id=id, kind=record.kind, node_id=record.node_id, period=record.period, status=record.status,
        created_at=ctx.api_time(record.created_at), rendered_at=ctx.api_time(record.rendered_at), pages=record.pages,
        download_url=ctx.deps.rendering.download_url(record, filename), error=record.error if record.status == "failed" else None,
    )
