/** What differs between the published package and the monorepo; bin/portcullis.js knows which it runs. */
export type CliContext = {
  /**
   * The dashboard the published package ships (dist/dashboard/), for `serve`. Unset in the monorepo,
   * where the server's own default, packages/dashboard/dist, applies.
   */
  dashboardDir?: string;
};
