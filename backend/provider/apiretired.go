package provider

// CodeAPIRetired is the Error.Code of a fetch (KindNotFound) refused
// because the provider retired the API the run was created on (Perplexity's
// async Sonar API answering 404 or 410 for good). Its Message says what
// happened and how to move the job; the worker shows it as the job's
// error instead of "no longer has this response".
const CodeAPIRetired = "api_retired"
