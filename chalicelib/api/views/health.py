from chalicelib import __version__
from chalicelib.api.http import endpoint
from chalicelib.api.schemas import HealthOut


@endpoint(summary="Is the API up", auth=False, response=HealthOut, tags=("health",))
def health(ctx) -> HealthOut:
    return HealthOut(status="ok", version=__version__)
