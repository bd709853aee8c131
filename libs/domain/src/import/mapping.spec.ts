import { applyHeader, MAPPING_PRESETS, parseMappingFile, planHeader } from './mapping';
import { parseOpportunityRow, parsePersonRow } from './native-format';

describe('import mappings', () => {
  it('hubspot-contacts maps a HubSpot contacts export to people', () => {
    const m = MAPPING_PRESETS['hubspot-contacts'];
    const header = ['Record ID', 'Email', 'First Name', 'Last Name', 'Company Name', 'Create Date', 'Lifecycle Stage', 'Original Source', 'Industry'];
    const plan = planHeader('people', header, m);
    expect(plan.violations).toEqual([]);
    const row = applyHeader(plan, ['1', 'kim@bigco.example', 'Kim', 'Lee', 'BigCo', '2025-01-05T10:00:00Z', 'marketingqualifiedlead', 'PAID_SEARCH', 'SaaS'], m);
    expect(parsePersonRow(row)).toMatchObject({ ok: true, value: { email: 'kim@bigco.example', firstName: 'Kim', company: 'BigCo', source: 'PAID_SEARCH', industry: 'SaaS' } });
  });

  it('hubspot-deals and salesforce-opportunities turn deal stages into statuses', () => {
    const hs = MAPPING_PRESETS['hubspot-deals'];
    const plan = planHeader('opportunities', ['Deal Name', 'Deal Stage', 'Amount', 'Close Date', 'Create Date', 'Deal owner', 'Associated Contact Email'], hs);
    expect(plan.violations).toEqual([]);
    const won = parseOpportunityRow(applyHeader(plan, ['Big deal', 'closedwon', '1000', '2025-03-01T00:00:00Z', '2025-02-01T00:00:00Z', 'anna@x.test', 'kim@x.test'], hs));
    expect(won).toMatchObject({ ok: true, value: { status: 'WON', closedAt: new Date('2025-03-01T00:00:00Z'), ownerEmail: 'anna@x.test', email: 'kim@x.test' } });
    const open = parseOpportunityRow(applyHeader(plan, ['Deal', 'appointmentscheduled', '1000', '2025-03-01T00:00:00Z', '2025-02-01T00:00:00Z', '', 'kim@x.test'], hs));
    expect(open).toMatchObject({ ok: true, value: { status: 'OPEN', closedAt: null, expectedCloseAt: new Date('2025-03-01T00:00:00Z') } });
    const sf = MAPPING_PRESETS['salesforce-opportunities'];
    const sfPlan = planHeader('opportunities', ['Opportunity Name', 'Stage', 'Amount', 'Close Date', 'Created Date', 'Opportunity Owner', 'Contact Email'], sf);
    expect(parseOpportunityRow(applyHeader(sfPlan, ['X', 'Closed Lost', '5', '2025-03-01T00:00:00Z', '2025-02-01T00:00:00Z', '', 'kim@x.test'], sf))).toMatchObject({ ok: true, value: { status: 'LOST' } });
  });

  it('salesforce-leads maps a Salesforce lead export to people', () => {
    const m = MAPPING_PRESETS['salesforce-leads'];
    const plan = planHeader('people', ['Email', 'Lead Source', 'Created Date', 'Lead Status', 'Company'], m);
    expect(parsePersonRow(applyHeader(plan, ['kim@x.test', 'Partner Referral', '2025-01-05T10:00:00+01:00', 'Open', 'X'], m))).toMatchObject({ ok: true, value: { source: 'PARTNER_REFERRAL' } });
  });

  it('rejects a column neither native nor mapped, naming it', () => {
    expect(planHeader('people', ['email', 'created_at', 'Shoe Size'], null).violations).toEqual([expect.objectContaining({ field: 'Shoe Size', rule: 'UNKNOWN_COLUMN' })]);
  });

  it('user mapping files are validated against the native columns', () => {
    const ok = parseMappingFile({ file: 'people', columns: { 'E-Mail': 'email', Created: 'created_at', Notes: null } }, 'mine');
    expect(ok.violations).toEqual([]);
    const plan = planHeader('people', ['E-Mail', 'Created', 'Notes'], ok.mapping);
    expect(applyHeader(plan, ['a@x.test', '2025-01-01T00:00:00Z', 'ignored'], ok.mapping)).toEqual({ email: 'a@x.test', created_at: '2025-01-01T00:00:00Z' });
    expect(parseMappingFile({ file: 'people', columns: { X: 'shoe_size' } }, 'bad').violations).toEqual([expect.objectContaining({ rule: 'KNOWN_COLUMN' })]);
    expect(parseMappingFile({ file: 'contacts', columns: {} }, 'bad').violations).toEqual([expect.objectContaining({ field: 'file' })]);
  });
});
