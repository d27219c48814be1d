// Drives the built `deepr mcp` over stdio with the official TypeScript MCP
// client, as an AI assistant would. Run by mcp_test.go (make test-mcp),
// which builds deepr, starts the fake OpenAI and passes its environment:
// DEEPR_BIN and the variables `deepr mcp` needs (data folder, key, fake
// URL). Prints one line per step; exits non-zero on the first failure.
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

const bin = process.env.DEEPR_BIN;
assert.ok(bin, 'DEEPR_BIN names the deepr binary');

const tools = ['ask_report', 'cancel_research', 'estimate_research', 'get_research', 'list_research', 'read_report',
  'search_reports', 'submit_research'];
const request = {
  prompt: 'History of green tea in Japan',
  model: 'o4-mini-deep-research',
  options: { max_tool_calls: 10 },
};

// connect starts `deepr mcp` with the test's environment plus extra.
async function connect(extra) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  const transport = new StdioClientTransport({ command: bin, args: ['mcp'], env: { ...env, ...extra }, stderr: 'inherit' });
  const client = new Client({ name: 'deepr-e2e', version: '1.0.0' });
  await client.connect(transport);
  return client;
}

function step(what) {
  console.log(`ok - ${what}`);
}

// refused asserts a tool error carrying {kind, field, message}.
function refused(res, kind, field) {
  assert.equal(res.isError, true, `want a tool error, got ${JSON.stringify(res.structuredContent)}`);
  const e = res.structuredContent?.error;
  assert.ok(e, `the tool error carries {kind, field, message}: ${JSON.stringify(res)}`);
  assert.equal(e.kind, kind);
  assert.equal(e.field, field);
  assert.ok(e.message.length > 0);
  return e;
}

// 1. Spending not allowed (the default).
{
  const client = await connect({});
  const { tools: listed } = await client.listTools();
  assert.deepEqual(listed.map((t) => t.name).sort(), tools);
  for (const t of listed) assert.ok(t.outputSchema, `${t.name} has an output schema`);
  step(`lists the ${tools.length} tools, each with an output schema`);

  const res = await client.callTool({ name: 'submit_research', arguments: { ...request, max_cost_usd: 4 } });
  const e = refused(res, 'spend_not_allowed', 'mcp_allow_spend');
  assert.match(e.message, /DEEPR_MCP_ALLOW_SPEND=true/);
  step('refuses submit_research while spending is not allowed, saying how to allow it');
  await client.close();
}

// 2. Spending allowed: submit, follow, search, read; over the budget refused.
{
  const client = await connect({ DEEPR_MCP_ALLOW_SPEND: 'true', DEEPR_MCP_MAX_COST: '5' });
  const est = await client.callTool({ name: 'estimate_research', arguments: request });
  assert.ok(!est.isError, JSON.stringify(est));
  assert.equal(est.structuredContent.would_pass, true, JSON.stringify(est.structuredContent));
  step(`estimates ${est.structuredContent.estimate.low_usd.toFixed(2)} to ${est.structuredContent.estimate.high_usd.toFixed(2)} USD, within the budget`);

  const started = Date.now();
  const sub = await client.callTool({ name: 'submit_research', arguments: { ...request, max_cost_usd: 4 } });
  assert.ok(!sub.isError, JSON.stringify(sub));
  const id = sub.structuredContent.job_id;
  assert.equal(sub.structuredContent.status, 'queued');
  assert.ok(Date.now() - started < 5000, 'submit returns at once');
  step(`submits job ${id} and gets it back queued at once`);

  let job;
  let progress = 0;
  for (let i = 0; i < 20; i++) {
    const t0 = Date.now();
    const res = await client.callTool({ name: 'get_research', arguments: { job_id: id, wait_seconds: 10 } }, undefined, {
      onprogress: () => { progress++; },
      timeout: 60_000,
    });
    assert.ok(!res.isError, JSON.stringify(res));
    assert.ok(Date.now() - t0 < 45_000, 'no call lasts longer than 45 s');
    job = res.structuredContent;
    if (!job.active) break;
  }
  assert.equal(job.status, 'completed', JSON.stringify(job));
  assert.ok(job.report && job.report.summary && job.report.sources.length > 0, 'the finished job has a report brief');
  assert.equal(job.report.uri, `deepr://reports/${id}`);
  assert.ok(progress > 0, 'progress notifications arrived while waiting');
  step(`follows it with get_research to completed (${progress} progress notifications)`);

  const found = await client.callTool({ name: 'search_reports', arguments: { query: 'tea' } });
  assert.ok(found.structuredContent.hits.some((h) => h.job_id === id), JSON.stringify(found.structuredContent));
  step('finds the report with search_reports');

  const read = await client.readResource({ uri: job.report.uri });
  assert.equal(read.contents.length, 1);
  assert.equal(read.contents[0].mimeType, 'text/markdown');
  assert.match(read.contents[0].text, /Sources/);
  assert.ok(read.contents[0].text.includes(job.report.sources[0].url));
  step(`reads it as the resource ${job.report.uri}`);

  refused(await client.callTool({ name: 'submit_research', arguments: { ...request, max_cost_usd: 50 } }), 'invalid', 'max_cost_usd');
  step('refuses a submit whose cap is over DEEPR_MCP_MAX_COST');
  refused(await client.callTool({ name: 'submit_research', arguments: { ...request, max_cost_usd: 0.01 } }), 'over_budget', 'budget');
  step('refuses a submit whose estimate is over its cap (the budget rule)');
  await client.close();
}

// 3. A monthly budget that is spent: refused by the same rule as the window's.
{
  const client = await connect({ DEEPR_MCP_ALLOW_SPEND: 'true', DEEPR_MONTHLY_BUDGET: '0.01' });
  const e = refused(await client.callTool({ name: 'submit_research', arguments: { ...request, max_cost_usd: 4 } }), 'over_budget', 'budget');
  assert.match(e.message, /monthly budget/);
  step('refuses a submit over the monthly budget');
  await client.close();
}
console.log('all MCP end-to-end steps passed');
