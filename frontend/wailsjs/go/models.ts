export namespace engine {
	
	export class KeyTest {
	    ok: boolean;
	    message: string;
	
	    static createFrom(source: any = {}) {
	        return new KeyTest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.ok = source["ok"];
	        this.message = source["message"];
	    }
	}
	export class ModelInfo {
	    id: string;
	    label: string;
	    description: string;
	
	    static createFrom(source: any = {}) {
	        return new ModelInfo(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.label = source["label"];
	        this.description = source["description"];
	    }
	}
	export class ReportView {
	    job: job.Job;
	    html: string;
	    markdown: string;
	    citations: job.Citation[];
	
	    static createFrom(source: any = {}) {
	        return new ReportView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.job = this.convertValues(source["job"], job.Job);
	        this.html = source["html"];
	        this.markdown = source["markdown"];
	        this.citations = this.convertValues(source["citations"], job.Citation);
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
	    snippet_html: string;
	
	    static createFrom(source: any = {}) {
	        return new SearchHit(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.job = this.convertValues(source["job"], job.Job);
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
	    has_more: boolean;
	
	    static createFrom(source: any = {}) {
	        return new SearchResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.hits = this.convertValues(source["hits"], SearchHit);
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
	    // Go type: time
	    last_webhook_at?: any;
	
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
	        this.last_webhook_at = this.convertValues(source["last_webhook_at"], null);
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
	
	    static createFrom(source: any = {}) {
	        return new Options(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.web_search = source["web_search"];
	        this.code_interpreter = source["code_interpreter"];
	        this.max_tool_calls = source["max_tool_calls"];
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
	    // Go type: time
	    created_at: any;
	    // Go type: time
	    updated_at: any;
	    // Go type: time
	    submitted_at?: any;
	    // Go type: time
	    finished_at?: any;
	    // Go type: time
	    next_poll_at: any;
	    poll_errors: number;
	    report_path: string;
	    version: number;
	
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
	        this.created_at = this.convertValues(source["created_at"], null);
	        this.updated_at = this.convertValues(source["updated_at"], null);
	        this.submitted_at = this.convertValues(source["submitted_at"], null);
	        this.finished_at = this.convertValues(source["finished_at"], null);
	        this.next_poll_at = this.convertValues(source["next_poll_at"], null);
	        this.poll_errors = source["poll_errors"];
	        this.report_path = source["report_path"];
	        this.version = source["version"];
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

export namespace main {
	
	export class ListJobsRequest {
	    statuses: string[];
	    limit: number;
	
	    static createFrom(source: any = {}) {
	        return new ListJobsRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.statuses = source["statuses"];
	        this.limit = source["limit"];
	    }
	}

}

export namespace research {
	
	export class SubmitInput {
	    prompt: string;
	    model: string;
	    web_search: boolean;
	    code_interpreter: boolean;
	    max_tool_calls: number;
	
	    static createFrom(source: any = {}) {
	        return new SubmitInput(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.prompt = source["prompt"];
	        this.model = source["model"];
	        this.web_search = source["web_search"];
	        this.code_interpreter = source["code_interpreter"];
	        this.max_tool_calls = source["max_tool_calls"];
	    }
	}

}

export namespace worker {
	
	export class Health {
	    provider: string;
	    message: string;
	    poller: string;
	    lease_holder: string;
	    // Go type: time
	    next_check?: any;
	    // Go type: time
	    last_check?: any;
	
	    static createFrom(source: any = {}) {
	        return new Health(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.provider = source["provider"];
	        this.message = source["message"];
	        this.poller = source["poller"];
	        this.lease_holder = source["lease_holder"];
	        this.next_check = this.convertValues(source["next_check"], null);
	        this.last_check = this.convertValues(source["last_check"], null);
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

