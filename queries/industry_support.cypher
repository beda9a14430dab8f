// title: NQI elements supporting an industry (GB/T 4754 class and its sub-classes)
// answers: Which NQI elements SUPPORTS an industry of the GB/T 4754-2017 class with code $code
//   or any of its sub-classes (BROADER*), a project industry close to one of those classes
//   (RELATED_INDUSTRY), or a product belonging to such an industry (BELONGS_TO_INDUSTRY) or placed in
//   such a class (INDUSTRY_CLASS);
//   with the element's pillar and the evidence sentence.
//   The Cypher twin of industry_support.rq over the property-graph projection.
// param: $code literal (required) -- GB/T 4754-2017 code: a 门类 letter ("C"), 大类 ("36"), 中类 ("367") or 小类 ("3670")
// columns: code class classCode classLabel target targetLabel element elementLabel pillar evidence document

MATCH (root:Resource {notation: $code})
WHERE root.inScheme ENDS WITH '/id/scheme/gbt4754'
// from the (few) SUPPORTS relationships up to the class: much faster than down from the root
MATCH (element:Resource)-[support:SUPPORTS]->(target:Resource)
MATCH (target)-[:BELONGS_TO_INDUSTRY|INDUSTRY_CLASS*0..1]->(:Resource)-[:RELATED_INDUSTRY*0..1]->(class:Resource)
MATCH (class)-[:BROADER*0..]->(root)
// the element's pillar, or the element itself when it is a pillar
OPTIONAL MATCH (element)-[:PILLAR]->(elementPillar:Resource)
WITH DISTINCT root, class, target, element, support,
     coalesce(elementPillar.id, CASE WHEN element:Pillar THEN element.id END) AS pillar
// the evidence: the sentences of the reified statements, kept on the relationship (`sentences`)
OPTIONAL CALL (support) {
  UNWIND support.sentences AS sentenceId
  MATCH (sentence:Resource {id: sentenceId})-[:IS_PART_OF]->(document:Resource)
  WHERE sentence.text IS NOT NULL
  RETURN sentence, document
}
RETURN DISTINCT root.notation AS code, class.id AS class, class.notation AS classCode, class.name AS classLabel,
       target.id AS target, target.name AS targetLabel, element.id AS element, element.name AS elementLabel,
       pillar, sentence.text AS evidence, document.id AS document
ORDER BY classCode, targetLabel, elementLabel, document
