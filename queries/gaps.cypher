// title: NQI coverage of bottleneck products (the gap matrix)
// answers: For every :BottleneckProduct and every pillar (nqi:metrology, nqi:standardization,
//   nqi:testing, nqi:certification): the NQI elements of that pillar whose SUPPORTS edges reach the
//   product: on the product itself (kind "supports"), on an industry the product BELONGS_TO_INDUSTRY,
//   the GB/T 4754 class it is close to, or the product's own INDUSTRY_CLASS (kind "industry"), or on
//   a broader class of those up to the 大类 (BROADER*1.., kind "broader"; not a 门类 such as C 制造业).
//   One row per piece of evidence; a product without any evidence appears once with pillar null.
//   The Cypher twin of gaps.rq over the property-graph projection (sentence = the sentence IRI).
// columns: product pillar element kind target sentence

MATCH (product:BottleneckProduct)
OPTIONAL CALL (product) {
  MATCH (element:Resource)-[support:SUPPORTS]->(product), (element)-[:PILLAR]->(pillar:Resource)
  UNWIND coalesce(support.sentences, [null]) AS sentence
  RETURN pillar, element, 'supports' AS kind, product AS target, sentence
  UNION
  MATCH (product)-[:BELONGS_TO_INDUSTRY]->(:Resource)-[:RELATED_INDUSTRY*0..1]->(target:Resource),
        (element:Resource)-[support:SUPPORTS]->(target), (element)-[:PILLAR]->(pillar:Resource)
  UNWIND coalesce(support.sentences, [null]) AS sentence
  RETURN pillar, element, 'industry' AS kind, target, sentence
  UNION
  MATCH (product)-[:INDUSTRY_CLASS]->(target:Resource),
        (element:Resource)-[support:SUPPORTS]->(target), (element)-[:PILLAR]->(pillar:Resource)
  UNWIND coalesce(support.sentences, [null]) AS sentence
  RETURN pillar, element, 'industry' AS kind, target, sentence
  UNION
  MATCH (product)-[:BELONGS_TO_INDUSTRY]->()-[:RELATED_INDUSTRY*0..1]->()-[:BROADER*1..]->(target:Resource),
        (element:Resource)-[support:SUPPORTS]->(target), (element)-[:PILLAR]->(pillar:Resource)
  WHERE size(target.notation) >= 2
  UNWIND coalesce(support.sentences, [null]) AS sentence
  RETURN pillar, element, 'broader' AS kind, target, sentence
  UNION
  MATCH (product)-[:INDUSTRY_CLASS]->()-[:BROADER*1..]->(target:Resource),
        (element:Resource)-[support:SUPPORTS]->(target), (element)-[:PILLAR]->(pillar:Resource)
  WHERE size(target.notation) >= 2
  UNWIND coalesce(support.sentences, [null]) AS sentence
  RETURN pillar, element, 'broader' AS kind, target, sentence
}
RETURN DISTINCT product.id AS product, pillar.id AS pillar, element.id AS element, kind, target.id AS target,
       sentence
ORDER BY product, pillar, element, sentence
