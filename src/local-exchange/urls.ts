/**
 * The ccxt `urls` override that points `binanceusdm` / `ccxt.pro.binanceusdm` at a local exchange
 * (docs/dev/ccxt-binanceusdm-surface.md §1.2). Every API key is local; the ones that are not USD-M
 * go to `/__unsupported/…`, which answers 404, so a stray call cannot leave the machine.
 */

export interface LocalBinanceUsdmUrls {
  readonly api: Readonly<Record<string, string | Readonly<Record<string, string | Readonly<Record<string, string>>>>>>;
}

export function localBinanceUsdmUrls(port: number, host = '127.0.0.1'): LocalBinanceUsdmUrls {
  const H = `http://${host}:${port}`;
  const W = `ws://${host}:${port}`;
  const NO = `${H}/__unsupported`;
  return {
    api: {
      fapiPublic: `${H}/fapi/v1`,
      fapiPublicV2: `${H}/fapi/v2`,
      fapiPublicV3: `${H}/fapi/v3`,
      fapiPrivate: `${H}/fapi/v1`,
      fapiPrivateV2: `${H}/fapi/v2`,
      fapiPrivateV3: `${H}/fapi/v3`,
      fapiData: `${H}/futures/data`,
      public: `${NO}/api/v3`,
      private: `${NO}/api/v3`,
      v1: `${NO}/api/v1`,
      sapi: `${NO}/sapi/v1`,
      sapiV2: `${NO}/sapi/v2`,
      sapiV3: `${NO}/sapi/v3`,
      sapiV4: `${NO}/sapi/v4`,
      dapiPublic: `${NO}/dapi/v1`,
      dapiPrivate: `${NO}/dapi/v1`,
      dapiPrivateV2: `${NO}/dapi/v2`,
      dapiData: `${NO}/dapi-data`,
      eapiPublic: `${NO}/eapi/v1`,
      eapiPrivate: `${NO}/eapi/v1`,
      papi: `${NO}/papi/v1`,
      papiV2: `${NO}/papi/v2`,
      ws: {
        future: `${W}/ws`,
        spot: `${W}/__unsupported/spot/ws`,
        margin: `${W}/__unsupported/margin/ws`,
        delivery: `${W}/__unsupported/delivery/ws`,
        stock: `${W}/__unsupported/stock/ws`,
        option: `${W}/__unsupported/option/ws`,
        optionMarket: `${W}/__unsupported/optionMarket/ws`,
        optionPrivate: `${W}/__unsupported/optionPrivate/ws`,
        papi: `${W}/__unsupported/papi/ws`,
        'ws-api': { spot: `${W}/__unsupported/ws-api/v3`, future: `${W}/__unsupported/ws-fapi/v1`, delivery: `${W}/__unsupported/ws-dapi/v1` },
      },
    },
  };
}

/** The local exchange at `baseUrl` (http://host:port), as the ccxt adapter takes it: the URL and every ccxt endpoint pointed at it. */
export function localVenue(baseUrl: string): { readonly url: string; readonly urls: LocalBinanceUsdmUrls } {
  const u = new URL(baseUrl);
  return { url: baseUrl, urls: localBinanceUsdmUrls(u.port === '' ? 80 : Number(u.port), u.hostname) }; // http's default port has no digits in a URL
}
