#if LeakReports
// DocumentFetcher and AsyncHTTPDocumentFetcher are part of this product's API.
@_exported import MacaroonHTTPFetch
#endif
