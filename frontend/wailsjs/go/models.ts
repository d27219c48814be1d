export namespace cost {
	
	export class Range {
	    low_usd: number;
	    high_usd: number;
	    basis: string;
	    samples: number;
	
	    static createFrom(source: any = {}) {
	        return new Range(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.low_usd = source["low_usd"];
	        this.high_usd = source["high_usd"];
	        this.basis = source["basis"];
	        this.samples = source["samples"];
	    }
	}
	export class Decision {
	    month: string;
	    budget_usd?: number;
	    spent_usd: number;
	    reserved_usd: number;
	    estimate: Range;
	    max_cost_usd?: number;
	    allowed: boolean;
	    refusal?: string;
	    notes?: string[];
	
	    static createFrom(source: any = {}) {
	        return new Decision(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.month = source["month"];
	        this.budget_usd = source["budget_usd"];
	        this.spent_usd = source["spent_usd"];
	        this.reserved_usd = source["reserved_usd"];
	        this.estimate = this.convertValues(source["estimate"], Range);
	        this.max_cost_usd = source["max_cost_usd"];
	        this.allowed = source["allowed"];
	        this.refusal = source["refusal"];
	        this.notes = source["notes"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}

}

export namespace job {
	
	export class Answer {
	    question: string;
	    answer: string;
	
	    static createFrom(source: any = {}) {
	        return new Answer(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.question = source["question"];
	        this.answer = source["answer"];
	    }
	}
	export class Citation {
	    index: number;
	    url: string;
	    title: string;
	    start: number;
	    end: number;
	
	    static createFrom(source: any = {}) {
	        return new Citation(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.index = source["index"];
	        this.url = source["url"];
	        this.title = source["title"];
	        this.start = source["start"];
	        this.end = source["end"];
	    }
	}
	export class Clarified {
	    question: string;
	    answers?: Answer[];
	
	    static createFrom(source: any = {}) {
	        return new Clarified(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.question = source["question"];
	        this.answers = this.convertValues(source["answers"], Answer);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class Usage {
	    input_tokens: number;
	    cached_tokens: number;
	    output_tokens: number;
	    reasoning_tokens: number;
	    web_search_calls: number;
	
	    static createFrom(source: any = {}) {
	        return new Usage(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.input_tokens = source["input_tokens"];
	        this.cached_tokens = source["cached_tokens"];
	        this.output_tokens = source["output_tokens"];
	        this.reasoning_tokens = source["reasoning_tokens"];
	        this.web_search_calls = source["web_search_calls"];
	    }
	}
	export class Progress {
	    steps: number;
	    searches: number;
	    pages: number;
	    summary: string;
	
	    static createFrom(source: any = {}) {
	        return new Progress(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.steps = source["steps"];
	        this.searches = source["searches"];
	        this.pages = source["pages"];
	        this.summary = source["summary"];
	    }
	}
	export class Options {
	    web_search: boolean;
	    code_interpreter: boolean;
	    max_tool_calls: number;
	    edited_from?: string;
	
	    static createFrom(source: any = {}) {
	        return new Options(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.web_search = source["web_search"];
	        this.code_interpreter = source["code_interpreter"];
	        this.max_tool_calls = source["max_tool_calls"];
	        this.edited_from = source["edited_from"];
	    }
	}
	export class Job {
	    id: string;
	    status: string;
	    provider: string;
	    model: string;
	    prompt: string;
	    options: Options;
	    provider_job_id: string;
	    provider_status: string;
	    attempt: number;
	    error: string;
	    progress: Progress;
	    usage: Usage;
	    cost_usd: number;
	    created_at: string;
	    queued_at: string;
	    updated_at: string;
	    submitted_at?: string;
	    finished_at?: string;
	    next_poll_at: string;
	    poll_errors: number;
	    report_path: string;
	    version: number;
	    origin_id?: string;
	    clarified?: Clarified;
	    via?: string;
	    parent_id: string;
	    parent_context: string;
	    max_cost_usd: number;
	    cancel_requested_at?: string;
	    cancel_prompt: string;
	    cancel_note: string;
	    waiting: string;
	    provider_display: string;
	    model_display: string;
	    actions: string[];
	    active: boolean;
	    final: boolean;
	    has_report: boolean;
	    title: string;
	
	    static createFrom(source: any = {}) {
	        return new Job(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.status = source["status"];
	        this.provider = source["provider"];
	        this.model = source["model"];
	        this.prompt = source["prompt"];
	        this.options = this.convertValues(source["options"], Options);
	        this.provider_job_id = source["provider_job_id"];
	        this.provider_status = source["provider_status"];
	        this.attempt = source["attempt"];
	        this.error = source["error"];
	        this.progress = this.convertValues(source["progress"], Progress);
	        this.usage = this.convertValues(source["usage"], Usage);
	        this.cost_usd = source["cost_usd"];
	        this.created_at = source["created_at"];
	        this.queued_at = source["queued_at"];
	        this.updated_at = source["updated_at"];
	        this.submitted_at = source["submitted_at"];
	        this.finished_at = source["finished_at"];
	        this.next_poll_at = source["next_poll_at"];
	        this.poll_errors = source["poll_errors"];
	        this.report_path = source["report_path"];
	        this.version = source["version"];
	        this.origin_id = source["origin_id"];
	        this.clarified = this.convertValues(source["clarified"], Clarified);
	        this.via = source["via"];
	        this.parent_id = source["parent_id"];
	        this.parent_context = source["parent_context"];
	        this.max_cost_usd = source["max_cost_usd"];
	        this.cancel_requested_at = source["cancel_requested_at"];
	        this.cancel_prompt = source["cancel_prompt"];
	        this.cancel_note = source["cancel_note"];
	        this.waiting = source["waiting"];
	        this.provider_display = source["provider_display"];
	        this.model_display = source["model_display"];
	        this.actions = source["actions"];
	        this.active = source["active"];
	        this.final = source["final"];
	        this.has_report = source["has_report"];
	        this.title = source["title"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	
	

}

export namespace library {
	
	export class Entry {
	    folder: string;
	    job_id?: string;
	    origin_id?: string;
	    reason?: string;
	
	    static createFrom(source: any = {}) {
	        return new Entry(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.folder = source["folder"];
	        this.job_id = source["job_id"];
	        this.origin_id = source["origin_id"];
	        this.reason = source["reason"];
	    }
	}
	export class IndexEntry {
	    id: string;
	    title: string;
	    folder: string;
	    status: string;
	    provider: string;
	    model: string;
	    // Go type: time
	    created_at: any;
	    // Go type: time
	    finished_at?: any;
	    cost_usd: number;
	
	    static createFrom(source: any = {}) {
	        return new IndexEntry(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.title = source["title"];
	        this.folder = source["folder"];
	        this.status = source["status"];
	        this.provider = source["provider"];
	        this.model = source["model"];
	        this.created_at = this.convertValues(source["created_at"], null);
	        this.finished_at = this.convertValues(source["finished_at"], null);
	        this.cost_usd = source["cost_usd"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class ExportResult {
	    dir: string;
	    reports: IndexEntry[];
	
	    static createFrom(source: any = {}) {
	        return new ExportResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.dir = source["dir"];
	        this.reports = this.convertValues(source["reports"], IndexEntry);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class ImportResult {
	    imported: Entry[];
	    skipped: Entry[];
	    damaged: Entry[];
	
	    static createFrom(source: any = {}) {
	        return new ImportResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.imported = this.convertValues(source["imported"], Entry);
	        this.skipped = this.convertValues(source["skipped"], Entry);
	        this.damaged = this.convertValues(source["damaged"], Entry);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}

}

export namespace provider {
	
	export class Capabilities {
	    web_search: string;
	    code_interpreter: string;
	    max_tool_calls: boolean;
	    cost_cap: boolean;
	    cancel: boolean;
	    continue: boolean;
	
	    static createFrom(source: any = {}) {
	        return new Capabilities(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.web_search = source["web_search"];
	        this.code_interpreter = source["code_interpreter"];
	        this.max_tool_calls = source["max_tool_calls"];
	        this.cost_cap = source["cost_cap"];
	        this.cancel = source["cancel"];
	        this.continue = source["continue"];
	    }
	}

}

export namespace research {
	
	export class AdoptRequest {
	    id: string;
	    response_id: string;
	
	    static createFrom(source: any = {}) {
	        return new AdoptRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.response_id = source["response_id"];
	    }
	}
	export class AskResult {
	    question: store.Question;
	    cost_usd: number;
	
	    static createFrom(source: any = {}) {
	        return new AskResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.question = this.convertValues(source["question"], store.Question);
	        this.cost_usd = source["cost_usd"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class BriefRequest {
	    prompt: string;
	    answers: job.Answer[];
	
	    static createFrom(source: any = {}) {
	        return new BriefRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.prompt = source["prompt"];
	        this.answers = this.convertValues(source["answers"], job.Answer);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class BriefResult {
	    brief: string;
	    cost_usd: number;
	    model: string;
	
	    static createFrom(source: any = {}) {
	        return new BriefResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.brief = source["brief"];
	        this.cost_usd = source["cost_usd"];
	        this.model = source["model"];
	    }
	}
	export class CancelResult {
	    job: job.Job;
	    warning: string;
	
	    static createFrom(source: any = {}) {
	        return new CancelResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.job = this.convertValues(source["job"], job.Job);
	        this.warning = source["warning"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class CheckResult {
	    job: job.Job;
	    message: string;
	
	    static createFrom(source: any = {}) {
	        return new CheckResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.job = this.convertValues(source["job"], job.Job);
	        this.message = source["message"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class ClarifyResult {
	    questions: string[];
	    cost_usd: number;
	    model: string;
	
	    static createFrom(source: any = {}) {
	        return new ClarifyResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.questions = source["questions"];
	        this.cost_usd = source["cost_usd"];
	        this.model = source["model"];
	    }
	}
	export class ErrorView {
	    kind: string;
	    field: string;
	    message: string;
	
	    static createFrom(source: any = {}) {
	        return new ErrorView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.kind = source["kind"];
	        this.field = source["field"];
	        this.message = source["message"];
	    }
	}
	export class ExportResult {
	    path: string;
	    format: string;
	    bytes: number;
	    missing?: string;
	    warning?: string;
	
	    static createFrom(source: any = {}) {
	        return new ExportResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.path = source["path"];
	        this.format = source["format"];
	        this.bytes = source["bytes"];
	        this.missing = source["missing"];
	        this.warning = source["warning"];
	    }
	}
	export class FieldSpec {
	    min: number;
	    max: number;
	    has_range: boolean;
	    unit: string;
	    default: string;
	    accepted: string;
	    locked_by: string;
	
	    static createFrom(source: any = {}) {
	        return new FieldSpec(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.min = source["min"];
	        this.max = source["max"];
	        this.has_range = source["has_range"];
	        this.unit = source["unit"];
	        this.default = source["default"];
	        this.accepted = source["accepted"];
	        this.locked_by = source["locked_by"];
	    }
	}
	export class ProviderHealth {
	    name: string;
	    display: string;
	    state: string;
	    summary: string;
	    message: string;
	    since?: string;
	
	    static createFrom(source: any = {}) {
	        return new ProviderHealth(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.display = source["display"];
	        this.state = source["state"];
	        this.summary = source["summary"];
	        this.message = source["message"];
	        this.since = source["since"];
	    }
	}
	export class WebhookHealth {
	    state: string;
	    message: string;
	    addr: string;
	    last_at?: string;
	
	    static createFrom(source: any = {}) {
	        return new WebhookHealth(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.state = source["state"];
	        this.message = source["message"];
	        this.addr = source["addr"];
	        this.last_at = source["last_at"];
	    }
	}
	export class Health {
	    seq: number;
	    provider: string;
	    message: string;
	    poller: string;
	    lease_holder: string;
	    next_check?: string;
	    last_check?: string;
	    webhooks: WebhookHealth;
	    summary: string;
	    providers: ProviderHealth[];
	    settings_notice: string;
	    disk_notice: string;
	    database_notice: string;
	
	    static createFrom(source: any = {}) {
	        return new Health(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.seq = source["seq"];
	        this.provider = source["provider"];
	        this.message = source["message"];
	        this.poller = source["poller"];
	        this.lease_holder = source["lease_holder"];
	        this.next_check = source["next_check"];
	        this.last_check = source["last_check"];
	        this.webhooks = this.convertValues(source["webhooks"], WebhookHealth);
	        this.summary = source["summary"];
	        this.providers = this.convertValues(source["providers"], ProviderHealth);
	        this.settings_notice = source["settings_notice"];
	        this.disk_notice = source["disk_notice"];
	        this.database_notice = source["database_notice"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class HelperChoice {
	    value: string;
	    label: string;
	    ready: boolean;
	    note: string;
	    asks_deployment: boolean;
	
	    static createFrom(source: any = {}) {
	        return new HelperChoice(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.value = source["value"];
	        this.label = source["label"];
	        this.ready = source["ready"];
	        this.note = source["note"];
	        this.asks_deployment = source["asks_deployment"];
	    }
	}
	export class HelperInput {
	    provider: string;
	    azure_deployment: string;
	
	    static createFrom(source: any = {}) {
	        return new HelperInput(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.provider = source["provider"];
	        this.azure_deployment = source["azure_deployment"];
	    }
	}
	export class HelperView {
	    provider: string;
	    choices: HelperChoice[];
	    azure_deployment: string;
	    in_use: string;
	    problem: string;
	
	    static createFrom(source: any = {}) {
	        return new HelperView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.provider = source["provider"];
	        this.choices = this.convertValues(source["choices"], HelperChoice);
	        this.azure_deployment = source["azure_deployment"];
	        this.in_use = source["in_use"];
	        this.problem = source["problem"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class KeyCheck {
	    tested_at?: string;
	    test_ok: boolean;
	    test_message: string;
	    last_ok_at?: string;
	
	    static createFrom(source: any = {}) {
	        return new KeyCheck(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.tested_at = source["tested_at"];
	        this.test_ok = source["test_ok"];
	        this.test_message = source["test_message"];
	        this.last_ok_at = source["last_ok_at"];
	    }
	}
	export class KeyTest {
	    ok: boolean;
	    message: string;
	    key_rejected: boolean;
	
	    static createFrom(source: any = {}) {
	        return new KeyTest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.ok = source["ok"];
	        this.message = source["message"];
	        this.key_rejected = source["key_rejected"];
	    }
	}
	export class SettingProblem {
	    setting: string;
	    value: string;
	    reason: string;
	    message: string;
	
	    static createFrom(source: any = {}) {
	        return new SettingProblem(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.setting = source["setting"];
	        this.value = source["value"];
	        this.reason = source["reason"];
	        this.message = source["message"];
	    }
	}
	export class ToolCallLimits {
	    min: number;
	    max: number;
	    default: number;
	
	    static createFrom(source: any = {}) {
	        return new ToolCallLimits(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.min = source["min"];
	        this.max = source["max"];
	        this.default = source["default"];
	    }
	}
	export class ModelInfo {
	    id: string;
	    provider: string;
	    label: string;
	    description: string;
	    default: boolean;
	    api: string;
	    lifecycle: string;
	    shutdown_date: string;
	    replacement: string;
	    warning: string;
	    capabilities: provider.Capabilities;
	    tool_calls: ToolCallLimits;
	
	    static createFrom(source: any = {}) {
	        return new ModelInfo(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.provider = source["provider"];
	        this.label = source["label"];
	        this.description = source["description"];
	        this.default = source["default"];
	        this.api = source["api"];
	        this.lifecycle = source["lifecycle"];
	        this.shutdown_date = source["shutdown_date"];
	        this.replacement = source["replacement"];
	        this.warning = source["warning"];
	        this.capabilities = this.convertValues(source["capabilities"], provider.Capabilities);
	        this.tool_calls = this.convertValues(source["tool_calls"], ToolCallLimits);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class ProviderInfo {
	    name: string;
	    display: string;
	    key_variable: string;
	    key_help: string;
	    endpoint_variable: string;
	    endpoint: string;
	    endpoint_locked: boolean;
	    key_set: boolean;
	    key_hint: string;
	    key_storage: string;
	    ready: boolean;
	    reason: string;
	    can_cancel: boolean;
	    note: string;
	    models: ModelInfo[];
	    capabilities: provider.Capabilities;
	    key_check?: KeyCheck;
	
	    static createFrom(source: any = {}) {
	        return new ProviderInfo(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.display = source["display"];
	        this.key_variable = source["key_variable"];
	        this.key_help = source["key_help"];
	        this.endpoint_variable = source["endpoint_variable"];
	        this.endpoint = source["endpoint"];
	        this.endpoint_locked = source["endpoint_locked"];
	        this.key_set = source["key_set"];
	        this.key_hint = source["key_hint"];
	        this.key_storage = source["key_storage"];
	        this.ready = source["ready"];
	        this.reason = source["reason"];
	        this.can_cancel = source["can_cancel"];
	        this.note = source["note"];
	        this.models = this.convertValues(source["models"], ModelInfo);
	        this.capabilities = this.convertValues(source["capabilities"], provider.Capabilities);
	        this.key_check = this.convertValues(source["key_check"], KeyCheck);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class SettingsView {
	    key_set: boolean;
	    key_hint: string;
	    key_storage: string;
	    poll_interval_seconds: number;
	    max_running: number;
	    default_model: string;
	    notifications: boolean;
	    data_dir: string;
	    config_dir: string;
	    use_webhooks: boolean;
	    webhook_listen: string;
	    webhook_url: string;
	    webhook_secret_set: boolean;
	    last_webhook_at?: string;
	    monthly_budget_usd: number;
	    theme: string;
	    close_action: string;
	    start_at_login: boolean;
	    prices: string;
	    mcp_allow_spend: boolean;
	    mcp_max_cost_usd: number;
	    providers: ProviderInfo[];
	    helper: HelperView;
	    locked: Record<string, string>;
	    fields: Record<string, FieldSpec>;
	    settings_problems: SettingProblem[];
	    settings_notice: string;
	
	    static createFrom(source: any = {}) {
	        return new SettingsView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.key_set = source["key_set"];
	        this.key_hint = source["key_hint"];
	        this.key_storage = source["key_storage"];
	        this.poll_interval_seconds = source["poll_interval_seconds"];
	        this.max_running = source["max_running"];
	        this.default_model = source["default_model"];
	        this.notifications = source["notifications"];
	        this.data_dir = source["data_dir"];
	        this.config_dir = source["config_dir"];
	        this.use_webhooks = source["use_webhooks"];
	        this.webhook_listen = source["webhook_listen"];
	        this.webhook_url = source["webhook_url"];
	        this.webhook_secret_set = source["webhook_secret_set"];
	        this.last_webhook_at = source["last_webhook_at"];
	        this.monthly_budget_usd = source["monthly_budget_usd"];
	        this.theme = source["theme"];
	        this.close_action = source["close_action"];
	        this.start_at_login = source["start_at_login"];
	        this.prices = source["prices"];
	        this.mcp_allow_spend = source["mcp_allow_spend"];
	        this.mcp_max_cost_usd = source["mcp_max_cost_usd"];
	        this.providers = this.convertValues(source["providers"], ProviderInfo);
	        this.helper = this.convertValues(source["helper"], HelperView);
	        this.locked = source["locked"];
	        this.fields = this.convertValues(source["fields"], FieldSpec, true);
	        this.settings_problems = this.convertValues(source["settings_problems"], SettingProblem);
	        this.settings_notice = source["settings_notice"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class KeyResult {
	    settings: SettingsView;
	    test?: KeyTest;
	
	    static createFrom(source: any = {}) {
	        return new KeyResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.settings = this.convertValues(source["settings"], SettingsView);
	        this.test = this.convertValues(source["test"], KeyTest);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	
	export class ListRequest {
	    statuses: string[];
	    limit: number;
	
	    static createFrom(source: any = {}) {
	        return new ListRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.statuses = source["statuses"];
	        this.limit = source["limit"];
	    }
	}
	
	export class Note {
	    code: string;
	    message: string;
	
	    static createFrom(source: any = {}) {
	        return new Note(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.code = source["code"];
	        this.message = source["message"];
	    }
	}
	
	
	export class ReportView {
	    job: job.Job;
	    html: string;
	    markdown: string;
	    citations: job.Citation[];
	    questions: store.Question[];
	
	    static createFrom(source: any = {}) {
	        return new ReportView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.job = this.convertValues(source["job"], job.Job);
	        this.html = source["html"];
	        this.markdown = source["markdown"];
	        this.citations = this.convertValues(source["citations"], job.Citation);
	        this.questions = this.convertValues(source["questions"], store.Question);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class SearchHit {
	    job: job.Job;
	    snippet: string;
	    snippet_html: string;
	
	    static createFrom(source: any = {}) {
	        return new SearchHit(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.job = this.convertValues(source["job"], job.Job);
	        this.snippet = source["snippet"];
	        this.snippet_html = source["snippet_html"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class SearchRequest {
	    query: string;
	    status: string;
	    model: string;
	    since: string;
	    until: string;
	    sort: string;
	    limit: number;
	    offset: number;
	
	    static createFrom(source: any = {}) {
	        return new SearchRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.query = source["query"];
	        this.status = source["status"];
	        this.model = source["model"];
	        this.since = source["since"];
	        this.until = source["until"];
	        this.sort = source["sort"];
	        this.limit = source["limit"];
	        this.offset = source["offset"];
	    }
	}
	export class SearchResult {
	    hits: SearchHit[];
	    total: number;
	    has_more: boolean;
	
	    static createFrom(source: any = {}) {
	        return new SearchResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.hits = this.convertValues(source["hits"], SearchHit);
	        this.total = source["total"];
	        this.has_more = source["has_more"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	
	export class SettingsInput {
	    poll_interval_seconds: number;
	    max_running: number;
	    default_model: string;
	    notifications: boolean;
	    use_webhooks: boolean;
	    webhook_listen: string;
	    webhook_url: string;
	    monthly_budget_usd: number;
	    prices: string;
	    theme: string;
	    close_action: string;
	    start_at_login: boolean;
	    mcp_allow_spend: boolean;
	    mcp_max_cost_usd: number;
	
	    static createFrom(source: any = {}) {
	        return new SettingsInput(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.poll_interval_seconds = source["poll_interval_seconds"];
	        this.max_running = source["max_running"];
	        this.default_model = source["default_model"];
	        this.notifications = source["notifications"];
	        this.use_webhooks = source["use_webhooks"];
	        this.webhook_listen = source["webhook_listen"];
	        this.webhook_url = source["webhook_url"];
	        this.monthly_budget_usd = source["monthly_budget_usd"];
	        this.prices = source["prices"];
	        this.theme = source["theme"];
	        this.close_action = source["close_action"];
	        this.start_at_login = source["start_at_login"];
	        this.mcp_allow_spend = source["mcp_allow_spend"];
	        this.mcp_max_cost_usd = source["mcp_max_cost_usd"];
	    }
	}
	export class SettingsPatch {
	    poll_interval_seconds?: number;
	    max_running?: number;
	    default_model?: string;
	    notifications?: boolean;
	    use_webhooks?: boolean;
	    webhook_listen?: string;
	    webhook_url?: string;
	    monthly_budget_usd?: number;
	    prices?: string;
	    theme?: string;
	    close_action?: string;
	    start_at_login?: boolean;
	    mcp_allow_spend?: boolean;
	    mcp_max_cost_usd?: number;
	
	    static createFrom(source: any = {}) {
	        return new SettingsPatch(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.poll_interval_seconds = source["poll_interval_seconds"];
	        this.max_running = source["max_running"];
	        this.default_model = source["default_model"];
	        this.notifications = source["notifications"];
	        this.use_webhooks = source["use_webhooks"];
	        this.webhook_listen = source["webhook_listen"];
	        this.webhook_url = source["webhook_url"];
	        this.monthly_budget_usd = source["monthly_budget_usd"];
	        this.prices = source["prices"];
	        this.theme = source["theme"];
	        this.close_action = source["close_action"];
	        this.start_at_login = source["start_at_login"];
	        this.mcp_allow_spend = source["mcp_allow_spend"];
	        this.mcp_max_cost_usd = source["mcp_max_cost_usd"];
	    }
	}
	export class SettingsResult {
	    settings: SettingsView;
	    error?: ErrorView;
	
	    static createFrom(source: any = {}) {
	        return new SettingsResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.settings = this.convertValues(source["settings"], SettingsView);
	        this.error = this.convertValues(source["error"], ErrorView);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	
	export class SimilarReport {
	    job: job.Job;
	    snippet: string;
	    snippet_html: string;
	    matched: string[];
	
	    static createFrom(source: any = {}) {
	        return new SimilarReport(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.job = this.convertValues(source["job"], job.Job);
	        this.snippet = source["snippet"];
	        this.snippet_html = source["snippet_html"];
	        this.matched = source["matched"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class SubmitRequest {
	    prompt: string;
	    model: string;
	    web_search: boolean;
	    code_interpreter: boolean;
	    max_tool_calls: number;
	    max_cost_usd: number;
	    provider: string;
	    edited_from: string;
	    clarified?: job.Clarified;
	    parent_id: string;
	
	    static createFrom(source: any = {}) {
	        return new SubmitRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.prompt = source["prompt"];
	        this.model = source["model"];
	        this.web_search = source["web_search"];
	        this.code_interpreter = source["code_interpreter"];
	        this.max_tool_calls = source["max_tool_calls"];
	        this.max_cost_usd = source["max_cost_usd"];
	        this.provider = source["provider"];
	        this.edited_from = source["edited_from"];
	        this.clarified = this.convertValues(source["clarified"], job.Clarified);
	        this.parent_id = source["parent_id"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class SubmitResult {
	    job: job.Job;
	    notes: Note[];
	    estimate?: cost.Range;
	
	    static createFrom(source: any = {}) {
	        return new SubmitResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.job = this.convertValues(source["job"], job.Job);
	        this.notes = this.convertValues(source["notes"], Note);
	        this.estimate = this.convertValues(source["estimate"], cost.Range);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class Thread {
	    root: string;
	    missing_parent: string;
	    jobs: store.ThreadJob[];
	    cost_usd: number;
	
	    static createFrom(source: any = {}) {
	        return new Thread(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.root = source["root"];
	        this.missing_parent = source["missing_parent"];
	        this.jobs = this.convertValues(source["jobs"], store.ThreadJob);
	        this.cost_usd = source["cost_usd"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	

}

export namespace store {
	
	export class JobSpend {
	    job_id: string;
	    title: string;
	    provider: string;
	    model: string;
	    status: string;
	    cost_usd: number;
	    attempts: number;
	    // Go type: time
	    finished_at: any;
	    deleted: boolean;
	    kind: string;
	    about: string;
	    via: string;
	
	    static createFrom(source: any = {}) {
	        return new JobSpend(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.job_id = source["job_id"];
	        this.title = source["title"];
	        this.provider = source["provider"];
	        this.model = source["model"];
	        this.status = source["status"];
	        this.cost_usd = source["cost_usd"];
	        this.attempts = source["attempts"];
	        this.finished_at = this.convertValues(source["finished_at"], null);
	        this.deleted = source["deleted"];
	        this.kind = source["kind"];
	        this.about = source["about"];
	        this.via = source["via"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class ModelSpend {
	    provider: string;
	    model: string;
	    spent_usd: number;
	    job_count: number;
	    attempts: number;
	
	    static createFrom(source: any = {}) {
	        return new ModelSpend(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.provider = source["provider"];
	        this.model = source["model"];
	        this.spent_usd = source["spent_usd"];
	        this.job_count = source["job_count"];
	        this.attempts = source["attempts"];
	    }
	}
	export class MonthTotal {
	    month: string;
	    spent_usd: number;
	    job_count: number;
	
	    static createFrom(source: any = {}) {
	        return new MonthTotal(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.month = source["month"];
	        this.spent_usd = source["spent_usd"];
	        this.job_count = source["job_count"];
	    }
	}
	export class Question {
	    id: string;
	    job_id: string;
	    question: string;
	    answer: string;
	    provider: string;
	    model: string;
	    usage: job.Usage;
	    cost_usd: number;
	    created_at: string;
	
	    static createFrom(source: any = {}) {
	        return new Question(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.job_id = source["job_id"];
	        this.question = source["question"];
	        this.answer = source["answer"];
	        this.provider = source["provider"];
	        this.model = source["model"];
	        this.usage = this.convertValues(source["usage"], job.Usage);
	        this.cost_usd = source["cost_usd"];
	        this.created_at = source["created_at"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class Spend {
	    month: string;
	    spent_usd: number;
	    reserved_usd: number;
	    budget_usd?: number;
	    jobs: JobSpend[];
	    by_model: Record<string, ModelSpend>;
	    assistant_usd: number;
	    top: JobSpend[];
	
	    static createFrom(source: any = {}) {
	        return new Spend(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.month = source["month"];
	        this.spent_usd = source["spent_usd"];
	        this.reserved_usd = source["reserved_usd"];
	        this.budget_usd = source["budget_usd"];
	        this.jobs = this.convertValues(source["jobs"], JobSpend);
	        this.by_model = this.convertValues(source["by_model"], ModelSpend, true);
	        this.assistant_usd = source["assistant_usd"];
	        this.top = this.convertValues(source["top"], JobSpend);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class ThreadJob {
	    job: job.Job;
	    depth: number;
	    cost_usd: number;
	
	    static createFrom(source: any = {}) {
	        return new ThreadJob(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.job = this.convertValues(source["job"], job.Job);
	        this.depth = source["depth"];
	        this.cost_usd = source["cost_usd"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}

}

