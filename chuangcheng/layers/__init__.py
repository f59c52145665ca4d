"""Map layers: each module turns one kind of city data into one switchable folium layer.

No Streamlit here. Which layers there are, their order and how they show is declared once in
``chuangcheng.registry`` (``Show``); ``battle_map.mission_layers()`` lists the switches in
drawing order, and a layer without a module of its own is drawn by ``facilities``.
"""
