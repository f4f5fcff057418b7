import type { ComponentType } from "react";
import { RequireLogin } from "./Auth";

/** A page for logged-in people (staff only, if asked): others are sent to log in first. */
export function loggedInPage(Content: ComponentType, { narrow = false, staff = false } = {}): ComponentType {
  return function LoggedInPage() {
    return (
      <div className={narrow ? "page narrow" : "page"}>
        <RequireLogin staff={staff}>
          <Content />
        </RequireLogin>
      </div>
    );
  };
}
