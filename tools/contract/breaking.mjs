// The breaking-change gate: the committed contract against the last released one. Every change api-smart-diff
// classifies as breaking must be recorded in the changelog's "## Unreleased" section, as a code span naming where it
// is (the change's path as printed below, or a prefix of it with at least three segments), or this exits 1.
//
//   node breaking.mjs <released.json> <current.json> <CHANGELOG.md>
import { apiCompare } from 'api-smart-diff'
import fs from 'node:fs'

const [released, current, changelog] = process.argv.slice(2)
if (!released || !current || !changelog) {
  console.error('usage: node breaking.mjs <released.json> <current.json> <CHANGELOG.md>')
  process.exit(2)
}
const read = file => JSON.parse(fs.readFileSync(file, 'utf8'))
const { diffs } = apiCompare(read(released), read(current))
const breaking = diffs.filter(d => d.type === 'breaking')
  .map(d => ({ path: '/' + d.path.join('/'), action: d.action, description: d.description ?? '' }))

const text = fs.readFileSync(changelog, 'utf8')
const unreleased = (text.split(/^## /m).find(s => s.startsWith('Unreleased')) ?? '')
const recorded = [...unreleased.matchAll(/`(\/[^`]+)`/g)].map(m => m[1])
  .filter(p => p.split('/').filter(Boolean).length >= 3)
const unrecorded = breaking.filter(b => !recorded.some(r => b.path === r || b.path.startsWith(r.endsWith('/') ? r : r + '/')))

const counts = diffs.reduce((c, d) => ({ ...c, [d.type]: (c[d.type] ?? 0) + 1 }), {})
console.log(`contract diff against the released one: ${JSON.stringify(counts)}; breaking: ${breaking.length}, recorded in the changelog: ${breaking.length - unrecorded.length}`)
for (const b of unrecorded.slice(0, 50)) {
  console.log(`  breaking, not in the changelog: ${b.action} \`${b.path}\` ${b.description}`)
}
if (unrecorded.length > 50) {
  console.log(`  … and ${unrecorded.length - 50} more`)
}
process.exit(unrecorded.length === 0 ? 0 : 1)
