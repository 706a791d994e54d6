"""Reference data: the GCM's 23 objectives, the GCR's 4 and the 17 SDGs.

Public UN texts (resolutions A/RES/73/195, A/RES/73/151, A/RES/70/1). Loaded by a migration, not a
fixture, so every database has them before the first pledge is entered. Re-running updates titles.
"""

from django.db import migrations

FRAMEWORKS = [{'code': 'GCM',
  'name': 'Global Compact for Safe, Orderly and Regular Migration',
  'adopted_on': '2018-12-19',
  'resolution': 'A/RES/73/195',
  'source': 'United Nations General Assembly resolution A/RES/73/195 (adopted 19 December '
            '2018; the compact was first adopted at the intergovernmental conference in '
            'Marrakech on 10 December 2018)',
  'objectives': [(1,
                  'Collect and utilize accurate and disaggregated data as a basis for '
                  'evidence-based policies'),
                 (2,
                  'Minimize the adverse drivers and structural factors that compel people to '
                  'leave their country of origin'),
                 (3, 'Provide accurate and timely information at all stages of migration'),
                 (4,
                  'Ensure that all migrants have proof of legal identity and adequate '
                  'documentation'),
                 (5, 'Enhance availability and flexibility of pathways for regular migration'),
                 (6,
                  'Facilitate fair and ethical recruitment and safeguard conditions that '
                  'ensure decent work'),
                 (7, 'Address and reduce vulnerabilities in migration'),
                 (8,
                  'Save lives and establish coordinated international efforts on missing '
                  'migrants'),
                 (9, 'Strengthen the transnational response to smuggling of migrants'),
                 (10,
                  'Prevent, combat and eradicate trafficking in persons in the context of '
                  'international migration'),
                 (11, 'Manage borders in an integrated, secure and coordinated manner'),
                 (12,
                  'Strengthen certainty and predictability in migration procedures for '
                  'appropriate screening, assessment and referral'),
                 (13,
                  'Use migration detention only as a measure of last resort and work towards '
                  'alternatives'),
                 (14,
                  'Enhance consular protection, assistance and cooperation throughout the '
                  'migration cycle'),
                 (15, 'Provide access to basic services for migrants'),
                 (16,
                  'Empower migrants and societies to realize full inclusion and social '
                  'cohesion'),
                 (17,
                  'Eliminate all forms of discrimination and promote evidence-based public '
                  'discourse to shape perceptions of migration'),
                 (18,
                  'Invest in skills development and facilitate mutual recognition of skills, '
                  'qualifications and competences'),
                 (19,
                  'Create conditions for migrants and diasporas to fully contribute to '
                  'sustainable development in all countries'),
                 (20,
                  'Promote faster, safer and cheaper transfer of remittances and foster '
                  'financial inclusion of migrants'),
                 (21,
                  'Cooperate in facilitating safe and dignified return and readmission, as '
                  'well as sustainable reintegration'),
                 (22,
                  'Establish mechanisms for the portability of social security entitlements '
                  'and earned benefits'),
                 (23,
                  'Strengthen international cooperation and global partnerships for safe, '
                  'orderly and regular migration')]},
 {'code': 'GCR',
  'name': 'Global Compact on Refugees',
  'adopted_on': '2018-12-17',
  'resolution': 'A/RES/73/151',
  'source': 'United Nations General Assembly resolution A/RES/73/151 (17 December 2018); the '
            'four objectives are listed in paragraph 7 of the compact',
  'objectives': [(1, 'Ease pressures on host countries'),
                 (2, 'Enhance refugee self-reliance'),
                 (3, 'Expand access to third-country solutions'),
                 (4,
                  'Support conditions in countries of origin for return in safety and '
                  'dignity')]},
 {'code': 'SDG',
  'name': 'Sustainable Development Goals (2030 Agenda)',
  'adopted_on': '2015-09-25',
  'resolution': 'A/RES/70/1',
  'source': 'United Nations General Assembly resolution A/RES/70/1 (25 September 2015); short '
            'goal titles as used by the UN',
  'objectives': [(1, 'No poverty'),
                 (2, 'Zero hunger'),
                 (3, 'Good health and well-being'),
                 (4, 'Quality education'),
                 (5, 'Gender equality'),
                 (6, 'Clean water and sanitation'),
                 (7, 'Affordable and clean energy'),
                 (8, 'Decent work and economic growth'),
                 (9, 'Industry, innovation and infrastructure'),
                 (10, 'Reduced inequalities'),
                 (11, 'Sustainable cities and communities'),
                 (12, 'Responsible consumption and production'),
                 (13, 'Climate action'),
                 (14, 'Life below water'),
                 (15, 'Life on land'),
                 (16, 'Peace, justice and strong institutions'),
                 (17, 'Partnerships for the goals')]}]


def load(apps, schema_editor):
    Framework = apps.get_model("pledges", "Framework")
    Objective = apps.get_model("pledges", "Objective")
    for fw in FRAMEWORKS:
        framework, _ = Framework.objects.update_or_create(
            code=fw["code"],
            defaults={k: fw[k] for k in ("name", "adopted_on", "resolution", "source")},
        )
        for number, title in fw["objectives"]:
            Objective.objects.update_or_create(
                framework=framework, number=number, defaults={"title": title}
            )


def unload(apps, schema_editor):
    apps.get_model("pledges", "Objective").objects.all().delete()
    apps.get_model("pledges", "Framework").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("pledges", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
